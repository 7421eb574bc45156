import type { RequestHandler } from 'express';
import type { ActiveSession, SessionsService } from '../../sessions';
import { SESSION_COOKIE, readCookie } from './cookies';

declare module 'express-serve-static-core' {
  interface Request { dashboardSession?: ActiveSession; sessionId?: string }
}

/** Every dashboard page needs a session: without one the browser goes to /login and comes back after. */
export function requireSession(sessions: SessionsService): RequestHandler {
  return (req, res, next) => {
    const id = readCookie(req, SESSION_COOKIE);
    const session = sessions.lookup(id);
    if (!session) {
      const back = req.method === 'GET' && req.originalUrl !== '/' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      res.redirect(302, `/login${back}`);
      return;
    }
    req.dashboardSession = session;
    req.sessionId = id;
    req.user = session.user;
    next();
  };
}

/** Every state-changing request must carry the session's CSRF token (form field `_csrf`). */
export function requireCsrf(sessions: SessionsService): RequestHandler {
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') { next(); return; }
    const body = (req.body ?? {}) as Record<string, unknown>;
    sessions.checkCsrf(req.dashboardSession!, body._csrf ?? req.get('x-csrf-token'));
    next();
  };
}

/** Dashboard pages only load berth's own scripts and styles, and no one may frame them. */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('content-security-policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'same-origin');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cache-control', 'no-store');
  next();
};
