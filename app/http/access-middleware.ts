import type { Request, RequestHandler } from 'express';
import type { HttpServices } from './http-services';
import type { EventSource } from '../events';
import { tokenOf } from './auth-middleware';
import { recordDecision } from './route-guard';
import type { Target } from './route-access';

/** Paths (below /api/v1 or the dashboard) any signed-in user may use for their own account. */
const SELF = /^\/(tokens|ssh-keys|whoami|logout)(\/|$)/;

export type { Target } from './route-access';

const decoded = (s: string): string => { try { return decodeURIComponent(s); } catch { return s; } };

/**
 * What a request asks to do, from its method and path: `/apps/<app>/…` reads or writes that app
 * (collaborator and service-link changes are admin-only), `/events?app=` reads that app, `/users`, berth's own backups (`/berth/backup…`) and `/routers` are admin-only,
 * other berth-wide paths read with GET and need an admin otherwise. Each route declares the same
 * (route-access.ts); the route guard refuses a request whose route declares anything else.
 */
export function targetOf(req: Pick<Request, 'method' | 'path' | 'query'>): Target {
  const reading = req.method === 'GET' || req.method === 'HEAD';
  if (SELF.test(req.path)) return { action: 'self', app: null };
  if (/^\/users(\/|$)/.test(req.path)) return { action: 'admin', app: null };
  // berth's own backups hold every secret berth has: listing and downloading them too.
  if (/^\/berth\/(backup|backups|backup-schedule|restore)(\/|$)/.test(req.path)) return { action: 'admin', app: null };
  // The router agents' report names other people's apps and their nginx errors.
  if (/^\/routers(\/|$)/.test(req.path)) return { action: 'admin', app: null };
  const m = /^\/apps\/([^/]+)(\/.*)?$/.exec(req.path);
  if (m) {
    let app: string;
    try { app = decodeURIComponent(m[1]); } catch { app = m[1]; }
    // Collaborators, and links to services (which hand over the service's credentials), are admin changes.
    if (/^\/(collaborators|services)(\/|$)/.test(m[2] ?? '') && !reading) return { action: 'admin', app };
    return { action: reading ? 'read' : 'write', app };
  }
  if (/^\/events\/?$/.test(req.path) && typeof req.query.app === 'string' && req.query.app) return { action: 'read', app: req.query.app };
  const s = /^\/services\/([^/]+)\/([^/]+)(\/.*)?$/.exec(req.path);
  if (s) return { action: reading ? 'read' : 'admin', app: null, service: { plugin: decoded(s[1]), name: decoded(s[2]), rest: s[3] ?? '' } };
  return { action: reading ? 'read' : 'admin', app: null };
}

/** After authentication: refuses what the user's role does not allow (403), via berth.access. */
export function authorizeRequest(berth: Pick<HttpServices, 'access'>): RequestHandler {
  return (req, res, next) => {
    const target = targetOf(req);
    const { action, app, service } = target;
    const user = req.user!;
    // The matched route checks it was this (route-guard.ts).
    recordDecision(res, target);
    if (service) { berth.access.authorizeService(user, { ...service, action }); next(); return; }
    // The whole audit trail names every app: a developer reads only their apps' (`?app=`).
    const wholeTrail = app === null && /^\/events\/?$/.test(req.path) && user.role === 'developer';
    berth.access.authorize(user, wholeTrail ? 'admin' : action, app);
    next();
  };
}

/**
 * Attributes the request's audit events to a source: the CLI says so in `x-berth-client`. `ssh`
 * only for the token of a running SSH command (anyone can send the header); `cli` is the
 * client's own word — the audited user is what authentication proved (docs/security.md).
 */
export function auditSource(berth: Pick<HttpServices, 'events' | 'access'>, fallback: EventSource): RequestHandler {
  return (req, _res, next) => {
    const client = req.get('x-berth-client');
    const claimed = client === 'ssh' ? (berth.access.isSshSessionToken(tokenOf(req)) ? 'ssh' : 'api') : client === 'cli' ? 'cli' : null;
    const source: EventSource = fallback === 'api' && claimed ? claimed : fallback;
    berth.events.withSource(source, () => next());
  };
}
