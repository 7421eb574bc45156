import type { ErrorRequestHandler, RequestHandler } from 'express';
import { BerthError, STATUS_FOR_KIND, asBerthError } from '../errors';

/** Maps any error to `{ error: { code, message } }` with the status its kind calls for. */
export function errorMiddleware(log: (line: string) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const e = requestError(err);
    if (e.kind === 'internal') log(`internal error: ${(err as Error)?.stack ?? String(err)}`);
    if (res.headersSent) { res.end(); return; }
    res.status(STATUS_FOR_KIND[e.kind]).json({ error: { code: e.code, message: e.message } });
  };
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new BerthError('NOT_FOUND', `No API route ${req.method} ${req.path}; see \`berth help\`.`));
};

/**
 * Any error as a BerthError; the client's faults that express, body-parser and serve-static raise
 * (malformed or huge bodies, bad percent-encoding, a missing or refused static file) keep their
 * 4xx meaning, so no stranger's request is logged as an internal error with a stack.
 */
export function requestError(err: unknown): BerthError {
  const type = (err as { type?: string })?.type;
  if (type === 'entity.parse.failed') return new BerthError('INVALID_JSON', 'The request body is not valid JSON.');
  if (type === 'entity.too.large') return new BerthError('INVALID_INPUT', 'The request body is too large.');
  return clientFault(err) ?? asBerthError(err);
}

/** Errors express itself raises for a bad request (a path parameter that is not valid percent-encoding: status 400). */
function clientFault(err: unknown): BerthError | undefined {
  if (err instanceof BerthError) return undefined;
  const status = (err as { status?: unknown })?.status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  // serve-static: 404 for a missing file, 403 for a path it refuses (`..`, dotfiles) — both "no such page".
  if (status === 404 || status === 403) return new BerthError('NOT_FOUND', 'There is no such page.');
  return new BerthError('INVALID_INPUT', `Bad request: ${String((err as Error).message ?? 'malformed').slice(0, 200)}.`);
}
