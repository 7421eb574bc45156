import { Router, type RequestHandler } from 'express';
import type { RouteParameters } from 'express-serve-static-core';
import { routeGuard } from './route-guard';
import { isRouteNeed, type RouteNeed } from './route-access';

export { need, type RouteNeed } from './route-access';

/**
 * Every router of berth's HTTP edge: paths match case-sensitively and a trailing slash matters, so
 * a route matches exactly the spellings the authorization layer (access-middleware.ts) classifies.
 * Express's default matched `/APPS/<app>/config` or `/apps/<own>/Collaborators` to the routes while
 * the permission check, keyed on the lowercase spelling, let them through (docs/security.md).
 *
 * And every route declares what it needs where it is registered (`r.get(path, need.appRead, …)`,
 * route-access.ts); its first handler is `routeGuard`, which refuses the request unless the
 * authorization layer authorized exactly what the declaration names for it. A route without a
 * declaration does not compile, and throws here at registration if forced through.
 */
export const ROUTER_OPTIONS = { caseSensitive: true, strict: true } as const;

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'all'] as const;
type Method = (typeof METHODS)[number];

/** As express's own matcher (the path's `:params` typed on `req.params`), with the declaration second. */
type Route = <P extends string>(path: P, need: RouteNeed, ...handlers: Array<RequestHandler<RouteParameters<P>>>) => GuardedRouter;

/** An express Router whose routes must each declare what they need. */
export type GuardedRouter = Omit<Router, Method> & { readonly [M in Method]: Route } & RequestHandler;

export function strictRouter(): GuardedRouter {
  const r = Router(ROUTER_OPTIONS);
  for (const m of METHODS) {
    const add = (r[m] as (path: string, ...handlers: RequestHandler[]) => Router).bind(r);
    (r as unknown as Record<string, unknown>)[m] = (path: string, declared: unknown, ...handlers: RequestHandler[]) => {
      if (!isRouteNeed(declared)) {
        throw new Error(`${m.toUpperCase()} ${path}: declare what the route needs (need.* from app/http/route-access.ts) as its second argument.`);
      }
      return add(path, routeGuard(path, declared), ...handlers);
    };
  }
  return r as unknown as GuardedRouter;
}
