import { BerthError, type ErrorCode } from '../../errors';

/** Node error codes that mean "the engine's socket is not there / not answering". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** The HTTP status docker answered with, when the error came from docker itself. */
export function dockerStatus(e: unknown): number | undefined {
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export function isUnreachable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}

/**
 * docker-modem messages look like `(HTTP code 404) no such container - No such container: x `;
 * the part after the dash is docker's own text, which is what a user can act on.
 */
export function dockerMessage(e: unknown): string {
  const json = (e as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message.trim();
  const msg = e instanceof Error ? e.message : String(e);
  const dash = msg.indexOf(' - ');
  return (dash >= 0 && msg.startsWith('(HTTP code') ? msg.slice(dash + 3) : msg).trim();
}

/**
 * Any error from a docker call as a BerthError: unreachable socket → DOCKER_UNAVAILABLE,
 * a docker answer → `code` (INTERNAL unless the caller knows better) with docker's message.
 */
export function toBerthError(e: unknown, code: ErrorCode = 'INTERNAL', context?: string): BerthError {
  if (e instanceof BerthError) return e;
  if (isUnreachable(e) && dockerStatus(e) === undefined) {
    return new BerthError('DOCKER_UNAVAILABLE', undefined, { cause: e });
  }
  const text = dockerMessage(e);
  return new BerthError(code, context ? `${context}: ${text}` : text, { cause: e });
}

/** Awaits `p`, treating docker answers with one of `statuses` as "nothing to do". */
export async function ignoreStatus<T>(p: Promise<T>, statuses: readonly number[]): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    const status = dockerStatus(e);
    if (status !== undefined && statuses.includes(status)) return undefined;
    throw e;
  }
}

/** Awaits `p`; a 404 from docker becomes null. */
export async function nullOn404<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (dockerStatus(e) === 404) return null;
    throw e;
  }
}

/**
 * Rejects an empty id/name before it reaches a URL: `/containers//stop` is read by Node as a
 * request to a host named "containers".
 */
export function requireRef(ref: string, what: string): string {
  if (typeof ref !== 'string' || ref.trim() === '') throw new BerthError('INVALID_INPUT', `${what} is empty.`);
  return ref;
}

/** Wraps a call so that whatever docker throws leaves as a BerthError. */
export function guarded<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (e) {
      throw toBerthError(e);
    }
  };
}

/** Resolves when a docker stream ends, closes or fails: whichever comes first. */
export function streamEnded(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => resolve();
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}
