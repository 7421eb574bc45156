import { BerthError } from '../errors';
import type { RouteSettings } from '../ports/router';

/** One `nginx:set` key: its format, shown by nginx:report, and how it becomes a RouteSettings field. */
interface SettingSpec {
  readonly format: string;
  readonly pattern: RegExp;
  readonly apply: (value: string, into: Record<string, unknown>) => void;
}

const SIZE = /^(0|[1-9][0-9]{0,5}[kmg]?)$/;
const DURATION = /^[1-9][0-9]{0,5}(ms|s|m|h)?$/;
const BOOL = /^(true|false)$/;
const asBool = (v: string) => v === 'true';

export const NGINX_SETTINGS: Readonly<Record<string, SettingSpec>> = {
  'client-max-body-size': { format: 'size, e.g. 100m (0: no limit)', pattern: SIZE, apply: (v, o) => { o.clientMaxBodySize = v; } },
  'proxy-read-timeout': { format: 'duration, e.g. 60s', pattern: DURATION, apply: (v, o) => { o.proxyReadTimeout = v; } },
  'proxy-send-timeout': { format: 'duration, e.g. 60s', pattern: DURATION, apply: (v, o) => { o.proxySendTimeout = v; } },
  'proxy-connect-timeout': { format: 'duration, e.g. 10s', pattern: DURATION, apply: (v, o) => { o.proxyConnectTimeout = v; } },
  'https-redirect': { format: 'true or false (default true, with a certificate)', pattern: BOOL, apply: (v, o) => { o.httpsRedirect = asBool(v); } },
  'hsts': { format: 'true or false (default false)', pattern: BOOL, apply: (v, o) => { if (asBool(v)) o.hstsMaxAge ??= 15_768_000; } },
  'hsts-max-age': { format: 'seconds (default 15768000, with hsts true)', pattern: /^[0-9]{1,9}$/, apply: () => undefined },
  'access-log': { format: 'true or false (default true)', pattern: BOOL, apply: (v, o) => { o.accessLog = asBool(v); } },
  // Raw server blocks run what the app's repo says in root nginx: an admin's decision (docs/security.md).
  'raw-template': { format: 'true or false (default false; admins only): nginx.conf.njk may be whole server blocks', pattern: BOOL, apply: (v, o) => { o.rawTemplate = asBool(v); } },
};

export const RAW_TEMPLATE_KEY = 'raw-template';

/** dokku's `proxy:disable` (stored as "true"; absent when the proxy is enabled). */
export const PROXY_DISABLED_KEY = 'proxy-disabled';

/** Letsencrypt state lives with the other per-app router settings. */
export const LETSENCRYPT_KEY = 'letsencrypt';
export const LETSENCRYPT_EMAIL_KEY = 'letsencrypt-email';

export function checkSetting(key: string, value: string): void {
  const spec = NGINX_SETTINGS[key];
  if (!spec) {
    throw new BerthError('INVALID_NGINX_SETTING', `Unknown nginx setting ${JSON.stringify(key)}; known: ${Object.keys(NGINX_SETTINGS).join(', ')}.`);
  }
  if (typeof value !== 'string' || !spec.pattern.test(value)) {
    throw new BerthError('INVALID_NGINX_SETTING', `Invalid value ${JSON.stringify(value)} for ${key}: ${spec.format}.`);
  }
}

/** Stored key/values (only known keys count) → the router's settings. */
export function toRouteSettings(stored: Readonly<Record<string, string>>): RouteSettings {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stored)) {
    const spec = NGINX_SETTINGS[k];
    if (spec && spec.pattern.test(v)) spec.apply(v, out);
  }
  if (stored.hsts === 'true' && stored['hsts-max-age'] && /^[0-9]{1,9}$/.test(stored['hsts-max-age'])) out.hstsMaxAge = Number(stored['hsts-max-age']);
  return out as RouteSettings;
}
