import { Router } from 'express';

/**
 * Every router of berth's HTTP edge: paths match case-sensitively and a trailing slash matters, so
 * a route matches exactly the spellings the authorization layer (access-middleware.ts) classifies.
 * Express's default matched `/APPS/<app>/config` or `/apps/<own>/Collaborators` to the routes while
 * the permission check, keyed on the lowercase spelling, let them through (docs/security.md).
 */
export const ROUTER_OPTIONS = { caseSensitive: true, strict: true } as const;

export function strictRouter(): Router {
  return Router(ROUTER_OPTIONS);
}
