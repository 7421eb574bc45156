import { BerthError } from '../errors';
import { isAppName } from '../naming';

/**
 * Deploy tokens: scoped to one app and one action, for CI. `push:<app>` pushes to the app's repo over
 * git HTTPS (nothing else, not even a fetch); `deploy:<app>` starts the app's deploys through the API
 * (git:sync, ps:rebuild, an image or archive deploy) and reads its builds to follow them. Such a token
 * acts as the user who made it, whose role must still allow the deploy; on anything else it is FORBIDDEN.
 */
export type DeployAction = 'push' | 'deploy';

export interface DeployScope {
  readonly action: DeployAction;
  readonly app: string;
}

/** What a request would do with a deploy token: the app and action, or nulls for anything a deploy token never does. */
export interface TokenUse {
  readonly app: string | null;
  readonly action: DeployAction | null;
}

export const NO_DEPLOY_USE: TokenUse = Object.freeze({ app: null, action: null });

/** Deploy tokens expire: 90 days unless the maker says otherwise. */
export const DEPLOY_TOKEN_DAYS = 90;

export function parseDeployScope(scope: string): DeployScope | null {
  const m = /^(push|deploy):(.+)$/.exec(scope);
  return m && isAppName(m[2]) ? { action: m[1] as DeployAction, app: m[2] } : null;
}

/** Refuses a deploy token used for another app or another action, saying what it is for. */
export function assertDeployUse(scope: DeployScope, use: TokenUse): void {
  if (use.app === scope.app && use.action === scope.action) return;
  const what = scope.action === 'push' ? `git push to ${scope.app}` : `deploying ${scope.app} (git:sync, ps:rebuild, deploys, reading its builds)`;
  throw new BerthError('FORBIDDEN', `This deploy token is for ${what} only${use.app && use.app !== scope.app ? `, not for ${use.app}` : ''}; use an API token for anything else.`);
}

const DEPLOY_ROUTES = /^\/apps\/([^/]+)\/(git-sync|ps\/rebuild|deploys|deploys\/archive)$/;
const BUILD_READS = /^\/apps\/([^/]+)\/builds(?:\/(?:\d+|latest)(?:\/log)?)?$/;

/** An API request's use (path below /api/v1): a deploy route (POST) or a read of the app's builds (GET). */
export function apiUse(method: string, path: string): TokenUse {
  const m = method === 'POST' ? DEPLOY_ROUTES.exec(path) : method === 'GET' ? BUILD_READS.exec(path) : null;
  if (!m) return NO_DEPLOY_USE;
  let app: string;
  try { app = decodeURIComponent(m[1]); } catch { return NO_DEPLOY_USE; }
  return { app, action: 'deploy' };
}

/** `push:<app>` / `deploy:<app>` given to tokens:create: the app must exist and the maker must be able to deploy it. */
export function checkDeployScope(scope: string, o: { appExists: (app: string) => boolean; canWrite: (app: string) => boolean }): DeployScope | null {
  const parsed = parseDeployScope(scope);
  if (!parsed) return null;
  if (!o.appExists(parsed.app)) throw new BerthError('APP_NOT_FOUND', `App "${parsed.app}" does not exist; \`berth apps:list\` shows your apps.`);
  if (!o.canWrite(parsed.app)) throw new BerthError('FORBIDDEN', `You cannot deploy ${parsed.app}, so you cannot make a deploy token for it.`);
  return parsed;
}
