import path from 'node:path';
import nunjucks from 'nunjucks';
import type { Request, Response } from 'express';
import { describeBuild } from '../../builds';
import { takeFlash } from './cookies';

/** Templates live in the source tree (tsc does not copy them): dist/app/http/dashboard → app/http/dashboard/views. */
export const VIEWS_DIR = path.resolve(__dirname, '../../../../app/http/dashboard/views');
export const PUBLIC_DIR = path.resolve(__dirname, '../../../../app/http/dashboard/public');

/** "3 min ago" for an ISO time, as a short plain string. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function createViews(): nunjucks.Environment {
  // autoescape: every value from users (app names, config values, log lines) is escaped.
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: false }), { autoescape: true, throwOnUndefined: false });
  env.addFilter('ago', (iso: string | null) => ago(iso));
  env.addFilter('shortsha', (sha: string | null) => (sha ? sha.slice(0, 7) : '—'));
  // A snapshot's size on the Deploys tab (exact bytes are in the API).
  env.addFilter('size', (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`));
  env.addFilter('buildwhat', (b: { kind: string; source: string | null }) => describeBuild(b));
  return env;
}

/** Renders a page with what every page needs: the user, the CSRF token, a pending flash message. */
export function render(views: nunjucks.Environment, req: Request, res: Response, view: string, ctx: object, status = 200): void {
  const session = req.dashboardSession;
  const html = views.render(view, {
    ...ctx,
    user: session?.user ?? null,
    csrf: session?.csrf ?? '',
    flash: takeFlash(req, res),
    path: req.path,
  });
  res.status(status).type('html').send(html);
}
