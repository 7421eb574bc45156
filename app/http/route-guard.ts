import type { Request, RequestHandler } from 'express';
import { BerthError } from '../errors';
import { targetOfNeed, type RouteNeed, type Target } from './route-access';

/**
 * Authorization keyed on the matched route's declaration. The authorization layer
 * (`authorizeRequest`) decides before routing, from the path as spelled, so that no body is parsed
 * for a stranger or a refused user; it records what it authorized. The first handler of every
 * route (`strictRouter` adds it) takes what the route declares it needs (route-access.ts) with the
 * request's parameters and refuses (403) unless that is exactly what was authorized, or when
 * nothing was and the route is not declared outside the layer. So the route's own declaration
 * decides, and a spelling the matcher routes differently from the layer's reading (case, doubled
 * slashes, encoded characters, a trailing dot or slash) can never reach a handler.
 */
const DECIDED = 'berthAuthorizedTarget';

export function recordDecision(res: { locals: Record<string, unknown> }, target: Target): void {
  res.locals[DECIDED] = keyOf(target);
}

const keyOf = (t: Target): string => JSON.stringify([t.action, t.app, t.service ?? null]);

/** The path a route's template names with these parameters (each encoded as one segment, wildcards as segments). */
export function pathOf(template: string, params: Request['params']): string {
  return template.replace(/([:*])(\w+)/g, (_all, kind: string, name: string) => {
    const v = (params as Record<string, string | string[] | undefined>)[name];
    if (v === undefined) return '';
    return kind === '*' ? (Array.isArray(v) ? v : [v]).map(encodeURIComponent).join('/') : encodeURIComponent(Array.isArray(v) ? v.join('/') : v);
  });
}

/** The guard of one route; its declaration stays readable on it (`need`) for the route walk in the tests. */
export type RouteGuard = RequestHandler & { readonly need: RouteNeed };

export function routeGuard(template: string, declared: RouteNeed): RouteGuard {
  // Named, so the router walk (test/unit/http/route-needs.test.ts) finds it first on every route.
  const guard = function berthRouteGuard(req, res, next) {
    const decided = res.locals[DECIDED] as string | undefined;
    const wanted = targetOfNeed(declared, req, pathOf(template, req.params));
    if (wanted === null) { next(); return; } // declared outside the layer (login pages, git's own check)
    if (decided === undefined) { next(new BerthError('FORBIDDEN', `${req.method} ${template} was not authorized.`)); return; }
    if (keyOf(wanted) !== decided) { next(new BerthError('FORBIDDEN', `This path is not spelled as berth's route ${template}; use that spelling.`)); return; }
    next();
  } as RequestHandler;
  return Object.assign(guard, { need: declared });
}
