import crypto from 'node:crypto';
import express, { type Request } from 'express';
import { need, strictRouter, type GuardedRouter } from '../../strict-router';
import type nunjucks from 'nunjucks';
import type { HttpServices } from '../../http-services';
import { STATUS_FOR_KIND, asBerthError } from '../../../errors';
import { LOGIN_CSRF_COOKIE, SESSION_COOKIE, clearCookie, readCookie, setCookie } from '../cookies';
import { field } from '../form';
import { render } from '../views';
import type { LoginTokenResponse } from '../../../api-contract';

/** Only same-site paths: `next` must never send the browser elsewhere after login. */
export function safeNext(raw: unknown): string {
  return typeof raw === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(raw) && !raw.startsWith('/login') ? raw : '/';
}

/**
 * The login page has no session yet, so its form is protected by a double-submit token: a
 * random cookie that the form must repeat (a cross-site page can read neither).
 */
export function authRoutes(berth: HttpServices, views: nunjucks.Environment): GuardedRouter {
  const r = strictRouter();
  const OUTSIDE = need.outside('the login page: nobody is signed in yet');
  const loginPage = (req: Request, res: express.Response, error: string | null, status = 200) => {
    // Reuse the cookie's token: a second login page (another tab, a favicon redirect) must not void the first form.
    const existing = readCookie(req, LOGIN_CSRF_COOKIE);
    const token = existing && /^[\w-]{32}$/.test(existing) ? existing : crypto.randomBytes(24).toString('base64url');
    setCookie(req, res, LOGIN_CSRF_COOKIE, token, 3600);
    render(views, req, res, 'login.njk', { loginCsrf: token, next: safeNext(req.query.next ?? field(req, 'next')), error, name: field(req, 'username') }, status);
  };

  r.get('/login', OUTSIDE, (req, res) => {
    if (berth.sessions.lookup(readCookie(req, SESSION_COOKIE))) { res.redirect(302, safeNext(req.query.next)); return; }
    loginPage(req, res, null);
  });

  r.post('/login', OUTSIDE, express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const expected = readCookie(req, LOGIN_CSRF_COOKIE);
    const sent = field(req, '_csrf');
    if (!expected || sent.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) {
      loginPage(req, res, 'Your login form expired; please try again.', 403);
      return;
    }
    // req.ip: the client's own address behind berth's router (trust proxy, loopback hop only).
    const address = req.ip ?? '';
    try {
      // Counted before the password check, so parallel guesses cannot all slip under the limit.
      await berth.loginLimiter.attempt(address, field(req, 'username'));
    } catch (e) {
      if (asBerthError(e).code !== 'LOGIN_RATE_LIMITED') throw e;
      loginPage(req, res, asBerthError(e).message, 429);
      return;
    }
    try {
      const { id } = await berth.sessions.login(field(req, 'username'), ((req.body ?? {}) as Record<string, unknown>).password);
      await berth.loginLimiter.succeeded(address, field(req, 'username'));
      clearCookie(req, res, LOGIN_CSRF_COOKIE);
      setCookie(req, res, SESSION_COOKIE, id, berth.web.sessionHours * 3600);
      res.redirect(303, safeNext(field(req, 'next')));
    } catch (e) {
      const err = asBerthError(e);
      if (err.code !== 'LOGIN_FAILED') throw e;
      // attempt() counted it; it stays counted as a failure.
      loginPage(req, res, err.message, 401);
    }
  });
  // `berth login <url>` on a laptop: a user name and password traded for a named API token. JSON only,
  // so a cross-site form cannot send it (and could not read the answer); limited like the form above.
  r.post('/login/token', OUTSIDE, express.json({ limit: '16kb' }), async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const username = typeof b.username === 'string' ? b.username : '';
    const address = req.ip ?? '';
    try {
      await berth.loginLimiter.attempt(address, username);
      const user = await berth.sessions.checkPassword(username, b.password);
      await berth.loginLimiter.succeeded(address, username);
      const token = berth.access.createToken(user, { name: b.name, expiresInDays: b.expiresInDays ?? null });
      // createToken refused any name but a valid string: b.name is one here.
      res.status(201).json({ user: user.name, name: String(b.name), token } satisfies LoginTokenResponse);
    } catch (e) {
      // The API's error shape, for the CLI (the dashboard's own handler would answer with a page).
      const err = asBerthError(e);
      if (err.kind === 'internal') throw e;
      res.status(STATUS_FOR_KIND[err.kind]).json({ error: { code: err.code, message: err.message } });
    }
  });
  return r;
}

/** Logout sits behind the session and CSRF checks like every other form. */
export function logoutRoute(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.post('/logout', need.self, (req, res) => {
    berth.sessions.logout(req.sessionId);
    clearCookie(req, res, SESSION_COOKIE);
    res.redirect(303, '/login');
  });
  return r;
}
