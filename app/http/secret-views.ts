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

/**
 * A release as the user may see it: its config snapshot (configFor), and for those who may not see
 * secrets every config value also cut out of its process commands and manifest, where a compose
 * file's `${VAR}`s put them (app/compose/interpolate.ts): what the build log does with `*****`.
 */
export function releaseFor<R extends { app: string; config: Readonly<Record<string, string>>; processes: Readonly<Record<string, string>>; manifest?: unknown }>(
  berth: Pick<HttpServices, 'access'>, user: UserRecord, r: R): R {
  if (berth.access.canSeeSecrets(user, r.app)) return { ...r, config: { ...r.config } };
  const secrets = [...new Set(Object.values(r.config).filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
  return { ...r, config: configFor(berth, user, r.app, r.config), processes: withoutValues(r.processes, secrets), manifest: withoutValues(r.manifest, secrets) };
}

function withoutValues<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return secrets.reduce((text, s) => (text.includes(s) ? text.split(s).join(HIDDEN) : text), v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * Build-phase docker options (`--build-arg NAME=VALUE`) as the user may see them: a literal value is
 * often a token (dokku's way to hand one to `docker build`), so those who may not see the app's
 * secrets get `--build-arg NAME=[hidden]`.
 */
export function buildOptionsFor(berth: Pick<HttpServices, 'access'>, user: UserRecord, app: string, options: readonly string[]): string[] {
  if (berth.access.canSeeSecrets(user, app)) return [...options];
  return options.map((o) => o.replace(/^(--build-arg[= ][A-Za-z_][A-Za-z0-9_]*=).+$/s, `$1${HIDDEN}`));
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
