import type { Request, RequestHandler } from 'express';
import { apiUse, type UsersService } from '../users';
import type { UserRecord } from '../ports/store';

declare module 'express-serve-static-core' {
  interface Request { user?: UserRecord }
}

/** A token from `Authorization: Bearer <t>`, or from basic auth's password (what git sends). */
export function tokenOf(req: Request): string | null {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : decoded;
  }
  return null;
}

export function requireUser(users: UsersService): RequestHandler {
  return (req, _res, next) => {
    // A deploy token opens its one app's deploy routes only (app/users/deploy-scope.ts).
    req.user = users.authenticate(tokenOf(req), apiUse(req.method, req.path));
    next();
  };
}

export const userName = (req: Request): string | null => req.user?.name ?? null;
