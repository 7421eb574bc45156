import { Router, type RequestHandler } from 'express';
import { routeGuard } from './route-guard';

/**
 * Every router of berth's HTTP edge: paths match case-sensitively and a trailing slash matters, so
 * a route matches exactly the spellings the authorization layer (access-middleware.ts) classifies.
 * Express's default matched `/APPS/<app>/config` or `/apps/<own>/Collaborators` to the routes while
 * the permission check, keyed on the lowercase spelling, let them through (docs/security.md).
 *
 * And every route it holds starts with `routeGuard` (route-guard.ts): the authorization decision is
 * checked again against the route that matched, so a spelling that reached a route the layer
 * classified otherwise is refused, whatever the matcher does. A router whose routes are served
 * before or without the authorization layer (login, git's own token check) says so and why.
 */
export const ROUTER_OPTIONS = { caseSensitive: true, strict: true } as const;

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'all'] as const;

export function strictRouter(o: { outsideAuthorization?: string } = {}): Router {
  const r = Router(ROUTER_OPTIONS);
  for (const m of METHODS) {
    const add = (r[m] as (path: string, ...handlers: RequestHandler[]) => Router).bind(r);
    (r as unknown as Record<string, unknown>)[m] = (path: string, ...handlers: RequestHandler[]) => add(path, routeGuard(path, o.outsideAuthorization ?? null), ...handlers);
  }
  return r;
}
