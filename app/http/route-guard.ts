import type { Request, RequestHandler, Response } from 'express';
import { BerthError } from '../errors';
import { targetOf, type Target } from './access-middleware';

/**
 * Authorization keyed on the matched route. The authorization layer (`authorizeRequest`) decides
 * before routing, from the path as spelled, so that no body is parsed for a stranger; it records
 * what it decided. The first handler of every route (`strictRouter` adds it) classifies the route
 * that matched — its template with the request's parameters put back — and refuses (403) when
 * that is not what was authorized, or when nothing was and the router did not declare itself
 * outside the layer. So a spelling the matcher routes differently from the layer's reading (case,
 * doubled slashes, encoded characters, a trailing dot or slash) can never reach a handler.
 */
const DECIDED = 'berthAuthorizedTarget';

export function recordDecision(res: Response, target: Target): void {
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

export function routeGuard(template: string, outside: string | null): RequestHandler {
  // Named, so the router walk (test/integration/route-auth.test.ts) finds it first on every route.
  return function berthRouteGuard(req, res, next) {
    const decided = res.locals[DECIDED] as string | undefined;
    if (decided === undefined) {
      // Served before the authorization layer on purpose (login pages, git's own check), or a bug.
      if (outside !== null) { next(); return; }
      next(new BerthError('FORBIDDEN', `${req.method} ${template} was not authorized.`));
      return;
    }
    const matched = targetOf({ method: req.method, path: pathOf(template, req.params), query: req.query });
    if (keyOf(matched) !== decided) { next(new BerthError('FORBIDDEN', `This path is not spelled as berth's route ${template}; use that spelling.`)); return; }
    next();
  };
}
