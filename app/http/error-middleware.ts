import type { ErrorRequestHandler, RequestHandler } from 'express';
import { BerthError, STATUS_FOR_KIND, asBerthError } from '../errors';

/** Maps any error to `{ error: { code, message } }` with the status its kind calls for. */
export function errorMiddleware(log: (line: string) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    // body-parser's errors: malformed JSON is the client's fault, not ours.
    const e = (err as { type?: string }).type === 'entity.parse.failed'
      ? new BerthError('INVALID_JSON', 'The request body is not valid JSON.')
      : (err as { type?: string }).type === 'entity.too.large'
        ? new BerthError('INVALID_INPUT', 'The request body is too large.')
        : clientFault(err) ?? asBerthError(err);
    if (e.kind === 'internal') log(`internal error: ${(err as Error)?.stack ?? String(err)}`);
    if (res.headersSent) { res.end(); return; }
    res.status(STATUS_FOR_KIND[e.kind]).json({ error: { code: e.code, message: e.message } });
  };
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new BerthError('NOT_FOUND', `No API route ${req.method} ${req.path}; see \`berth help\`.`));
};

/** Errors express itself raises for a bad request (a path parameter that is not valid percent-encoding: status 400). */
function clientFault(err: unknown): BerthError | undefined {
  if (err instanceof BerthError) return undefined;
  const status = (err as { status?: unknown })?.status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return new BerthError('INVALID_INPUT', `Bad request: ${(err as Error).message ?? 'malformed'}.`);
}
