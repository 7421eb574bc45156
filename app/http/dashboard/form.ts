import type { Request, RequestHandler, Response } from 'express';
import { asBerthError } from '../../errors';
import { setFlash } from './cookies';
import { withoutCliHints } from './browser-errors';

/** A form field as a trimmed string ('' when missing). */
export function field(req: Request, name: string): string {
  const v = ((req.body ?? {}) as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.trim() : '';
}

/** A query parameter as a trimmed string ('' when missing or repeated). */
export function queryText(req: Request, name: string): string {
  return typeof req.query[name] === 'string' ? (req.query[name] as string).trim() : '';
}

/** Where a form's action leads: the page to show next and a message for it. */
export interface Outcome { readonly to: string; readonly ok?: string }

/**
 * A user error (bad name, missing confirmation…) goes back to `back` with the error's message;
 * CSRF, refusals (403: the page says exactly what was refused, with its status) and internal errors
 * are left to the error handler.
 */
function backWithError(req: Request, res: Response, e: unknown, back: string): void {
  const err = asBerthError(e);
  if (err.kind === 'internal' || err.kind === 'forbidden' || err.code === 'CSRF_TOKEN_INVALID') throw e;
  // In the browser: the message without the CLI commands the API's answer suggests.
  setFlash(req, res, { kind: 'error', text: withoutCliHints(err.message) || err.message });
  res.redirect(303, back);
}

/** A form post: on success redirect (303) with a message; errors as backWithError. */
export function formAction(back: (req: Request) => string, run: (req: Request) => Promise<Outcome> | Outcome): RequestHandler {
  return async (req, res) => {
    try {
      const outcome = await run(req);
      if (outcome.ok) setFlash(req, res, { kind: 'ok', text: outcome.ok });
      res.redirect(303, outcome.to);
    } catch (e) {
      backWithError(req, res, e, back(req));
    }
  };
}

/**
 * A form post answered with a page, not a redirect: what it shows exists in this one answer only
 * (a new token's secret). Errors as backWithError.
 */
export function formPage(back: string, run: (req: Request, res: Response) => Promise<void> | void): RequestHandler {
  return async (req, res) => {
    try {
      await run(req, res);
    } catch (e) {
      backWithError(req, res, e, back);
    }
  };
}
