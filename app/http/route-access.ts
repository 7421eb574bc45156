import type { Request } from 'express';
import type { Action } from '../users';

/** What a request is authorized as: an action on an app (or berth), or on a service. */
export interface Target {
  readonly action: Action;
  readonly app: string | null;
  /** `/services/<plugin>/<name>…`: the service, and what follows its name (`''`, `/export`, `/logs`, …). */
  readonly service?: { readonly plugin: string; readonly name: string; readonly rest: string };
}

/**
 * What a route needs, declared where it is registered: `r.get('/apps/:app/config', need.appRead, …)`
 * (strictRouter's routes take it as their second argument; the type and a check at registration
 * make it impossible to leave out). The route guard (route-guard.ts) turns the declaration and the
 * request's parameters into the target the authorization layer must have authorized, and refuses
 * anything else. test/unit/http/route-needs.test.ts walks every route of the app and checks that
 * each has one, and that the authorization layer's reading of its path agrees with it.
 */
export type RouteNeed =
  /** `/apps/:app/…`: that app, read (any role that sees it), write (its developers) or admin. */
  | { readonly on: 'app'; readonly action: 'read' | 'write' | 'admin' }
  /** berth-wide lists and settings: read by every role, changed by admins. */
  | { readonly on: 'berth'; readonly action: 'read' | 'admin' }
  /** The signed-in user's own account (tokens, SSH keys, whoami, logout). */
  | { readonly on: 'self' }
  /** `/services/:plugin/:name…`: AccessService.authorizeService (linked apps' developers; viewers the info only). */
  | { readonly on: 'service'; readonly action: 'read' | 'admin' }
  /** The audit trail: the app named by `?app=`, or all of it (admins and viewers). */
  | { readonly on: 'events' }
  /** A plugin's own API: GET/HEAD read, anything else admin. */
  | { readonly on: 'method' }
  /** Served without the authorization layer, on purpose (login, git's own check, assets): why. */
  | { readonly on: 'outside'; readonly why: string };

const app = (action: 'read' | 'write' | 'admin'): RouteNeed => Object.freeze({ on: 'app', action });
const berth = (action: 'read' | 'admin'): RouteNeed => Object.freeze({ on: 'berth', action });
const service = (action: 'read' | 'admin'): RouteNeed => Object.freeze({ on: 'service', action });

export const need = Object.freeze({
  appRead: app('read'),
  appWrite: app('write'),
  appAdmin: app('admin'),
  read: berth('read'),
  admin: berth('admin'),
  self: Object.freeze({ on: 'self' }) as RouteNeed,
  serviceRead: service('read'),
  serviceAdmin: service('admin'),
  events: Object.freeze({ on: 'events' }) as RouteNeed,
  readElseAdmin: Object.freeze({ on: 'method' }) as RouteNeed,
  outside: (why: string): RouteNeed => Object.freeze({ on: 'outside', why }),
});

const KINDS = new Set(['app', 'berth', 'self', 'service', 'events', 'method', 'outside']);

/** A declaration, not a handler or anything else put second by mistake. */
export function isRouteNeed(x: unknown): x is RouteNeed {
  if (typeof x !== 'object' || x === null) return false;
  const n = x as { on?: unknown; why?: unknown };
  if (typeof n.on !== 'string' || !KINDS.has(n.on)) return false;
  return n.on !== 'outside' || (typeof n.why === 'string' && n.why.trim() !== '');
}

type RouteRequest = Pick<Request, 'method' | 'params' | 'query'>;

/**
 * The target a declared route stands for with this request's parameters (null: outside the layer).
 * `servicePath` is the route's path with the parameters put back (what follows the service's name
 * decides what a viewer may read).
 */
export function targetOfNeed(n: RouteNeed, req: RouteRequest, servicePath: string): Target | null {
  const param = (k: string): string => {
    const v = (req.params as Record<string, unknown>)[k];
    return typeof v === 'string' ? v : '';
  };
  switch (n.on) {
    case 'outside': return null;
    case 'app': return { action: n.action, app: param('app') };
    case 'berth': return { action: n.action, app: null };
    case 'self': return { action: 'self', app: null };
    case 'events': return { action: 'read', app: typeof req.query.app === 'string' && req.query.app ? req.query.app : null };
    case 'method': return { action: req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'admin', app: null };
    case 'service': {
      const rest = /^\/services\/[^/]+\/[^/]+(\/.*)?$/.exec(servicePath)?.[1] ?? '';
      return { action: n.action, app: null, service: { plugin: param('plugin'), name: param('name'), rest } };
    }
  }
}
