import express, { type ErrorRequestHandler } from 'express';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type nunjucks from 'nunjucks';
import type { HttpServices } from '../http-services';
import { BerthError, STATUS_FOR_KIND } from '../../errors';
import { requestError } from '../error-middleware';
import { browserError } from './browser-errors';
import { requireCsrf, requireSession, securityHeaders } from './session-middleware';
import { PUBLIC_DIR, createViews, render } from './views';
import { authRoutes, logoutRoute } from './routes/auth-routes';
import { pageRoutes } from './routes/page-routes';
import { actionRoutes } from './routes/action-routes';
import { streamRoutes } from './routes/stream-routes';
import { serviceRoutes } from './routes/service-routes';
import { backupRoutes } from './routes/backup-routes';
import { accountRoutes } from './routes/account-routes';
import { peopleRoutes } from './routes/people-routes';
import { tlsRoutes } from './routes/tls-routes';
import { metricsPageRoutes, vendorAssets } from './routes/metrics-routes';
import { auditSource, authorizeRequest } from '../access-middleware';

function dashboardErrors(views: nunjucks.Environment, log: (line: string) => void): ErrorRequestHandler {
  return (e, req, res, _next) => {
    const err = requestError(e);
    if (err.kind === 'internal') log(`dashboard error: ${(e as Error)?.stack ?? String(e)}`);
    if (res.headersSent) { res.end(); return; }
    // The charts' data (…/metrics.json) is read by a script: it gets the API's error shape, not a page.
    if (req.path.endsWith('.json')) { res.status(STATUS_FOR_KIND[err.kind]).json({ error: { code: err.code, message: err.message } }); return; }
    // Browsers get what to do in the browser (browser-errors.ts); the API's JSON keeps its CLI hints.
    render(views, req, res, 'error.njk', { error: browserError(err, req) }, STATUS_FOR_KIND[err.kind]);
  };
}

/**
 * The web dashboard at `/`: server-rendered pages, forms that work without JavaScript, live
 * logs over SSE. Everything but /login and /assets needs a session; every POST a CSRF token.
 */
export function dashboardRoutes(berth: HttpServices, options: { log: (line: string) => void }): GuardedRouter {
  const views = createViews();
  // Its own routes (the favicon) are served before login; every page is in a router behind the layer.
  const r = strictRouter();
  const OUTSIDE = need.outside('the favicon redirect, to a public asset');
  r.use(vendorAssets());
  r.use('/assets', express.static(PUBLIC_DIR, { index: false, maxAge: '1h', fallthrough: false }));
  r.get('/favicon.ico', OUTSIDE, (_req, res) => { res.redirect(301, '/assets/favicon.svg'); });
  r.use(securityHeaders);
  r.use(authRoutes(berth, views));
  r.use(requireSession(berth.sessions));
  r.use(authorizeRequest(berth), auditSource(berth, 'dashboard'));
  r.use(express.urlencoded({ extended: false, limit: '256kb' }));
  r.use(requireCsrf(berth.sessions));
  r.use(logoutRoute(berth));
  r.use(pageRoutes(berth, views));
  r.use(actionRoutes(berth));
  r.use(streamRoutes(berth));
  r.use(serviceRoutes(berth, views));
  r.use(backupRoutes(berth, views));
  r.use(accountRoutes(berth, views));
  r.use(peopleRoutes(berth, views));
  r.use(tlsRoutes(berth, views));
  r.use(metricsPageRoutes(berth));
  r.use((req, _res, next) => next(new BerthError('NOT_FOUND', `There is no page at ${req.path}.`)));
  r.use(dashboardErrors(views, options.log));
  return r;
}
