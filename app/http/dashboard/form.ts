import type { Request, RequestHandler } from 'express';
import { asBerthError } from '../../errors';
import { setFlash } from './cookies';

/** A form field as a trimmed string ('' when missing). */
export function field(req: Request, name: string): string {
  const v = ((req.body ?? {}) as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.trim() : '';
}

/** Where a form's action leads: the page to show next and a message for it. */
export interface Outcome { readonly to: string; readonly ok?: string }

/**
 * A form post: on success redirect (303) with a message; a user error (bad name, missing
 * confirmation…) goes back to `back` with the error's message; CSRF and internal errors are
 * left to the error handler.
 */
export function formAction(back: (req: Request) => string, run: (req: Request) => Promise<Outcome> | Outcome): RequestHandler {
  return async (req, res) => {
    try {
      const outcome = await run(req);
      if (outcome.ok) setFlash(req, res, { kind: 'ok', text: outcome.ok });
      res.redirect(303, outcome.to);
    } catch (e) {
      const err = asBerthError(e);
      if (err.kind === 'internal' || err.code === 'CSRF_TOKEN_INVALID') throw e;
      setFlash(req, res, { kind: 'error', text: err.message });
      res.redirect(303, back(req));
    }
  };
}
