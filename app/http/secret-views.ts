import type { HttpServices } from './http-services';
import type { UserRecord } from '../ports/store';
import type { ServiceInfo } from '../services-kit';

/** What a viewer sees instead of a secret value. */
export const HIDDEN = '[hidden]';

/**
 * Answers that carry secrets, cut to what the user may see (docs/security.md): config values
 * and release config snapshots only for admins and the app's developers; service credentials
 * never for viewers; developers list only the services linked to their apps.
 */
export function configFor(berth: Pick<HttpServices, 'access'>, user: UserRecord, app: string, config: Readonly<Record<string, string>>): Record<string, string> {
  if (berth.access.canSeeSecrets(user, app)) return { ...config };
  return Object.fromEntries(Object.keys(config).map((k) => [k, HIDDEN]));
}

/** `scheme://user:password@host` → `scheme://user:[hidden]@host`, for viewers. */
function withoutPassword(url: string | null): string | null {
  if (url === null) return null;
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, `$1:${HIDDEN}@`);
}

export function serviceFor(user: UserRecord, info: ServiceInfo): ServiceInfo {
  if (user.role !== 'viewer') return info;
  return { ...info, url: withoutPassword(info.url)!, exposedUrl: withoutPassword(info.exposedUrl) };
}

export function visibleServices(berth: Pick<HttpServices, 'access'>, user: UserRecord, infos: readonly ServiceInfo[]): ServiceInfo[] {
  return infos.filter((s) => user.role !== 'developer' || berth.access.canUseService(user, s.plugin, s.name)).map((s) => serviceFor(user, s));
}
