import { CATALOGUE, type ErrorCode } from './catalogue';
import type { ErrorKind } from './kinds';

/** A domain error: a stable code from the catalogue and a message saying what to do. No HTTP here. */
export class BerthError extends Error {
  override readonly name = 'BerthError';
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  /** True when retrying cannot help (bad input, broken Dockerfile) — the queue fails at once. */
  readonly unrecoverable: boolean;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? CATALOGUE[code].hint, options);
    this.code = code;
    this.kind = CATALOGUE[code].kind;
    this.unrecoverable = this.kind !== 'unavailable' && this.kind !== 'internal';
  }
}

export function isBerthError(e: unknown): e is BerthError {
  return e instanceof BerthError;
}

/** Anything thrown, as a BerthError, so the API, CLI and git push print the same thing. */
export function asBerthError(e: unknown): BerthError {
  if (e instanceof BerthError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string })?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOENT') {
    if (/docker\.sock/.test(msg)) return new BerthError('DOCKER_UNAVAILABLE', undefined, { cause: e });
  }
  return new BerthError('INTERNAL', msg, { cause: e });
}
