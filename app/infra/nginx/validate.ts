import net from 'node:net';
import { BerthError } from '../../errors';
import type { AppRoute, PortMapping, RouteSettings, RouteTls } from '../../ports/router';
import { isAppName } from '../../naming';

/*
 * Templates render with autoescape off (nginx config is not HTML), so every value is checked
 * here first. Nothing that passes can contain whitespace, braces, semicolons, quotes, `$` or
 * newlines — the characters that would let a value escape its nginx directive.
 */

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const BODY_SIZE = /^(0|[1-9][0-9]{0,5}[kmg]?)$/;
const DURATION = /^[1-9][0-9]{0,5}(ms|s|m|h)?$/;
const PEM = /^-----BEGIN [A-Z0-9 ]+-----\r?\n[A-Za-z0-9+/=\r\n:,\- ]+-----END [A-Z0-9 ]+-----\s*$/;

export interface ResolvedSettings {
  readonly clientMaxBodySize: string;
  readonly proxyReadTimeout: string;
  readonly proxySendTimeout: string;
  readonly proxyConnectTimeout: string;
  readonly httpsRedirect: boolean;
  readonly hstsMaxAge: number;
  readonly accessLog: boolean;
  readonly rawTemplate: boolean;
}

export interface RouteView {
  readonly app: string;
  readonly domains: readonly string[];
  readonly upstreams: readonly { readonly host: string; readonly port: number }[];
  readonly ports: readonly PortMapping[];
  readonly settings: ResolvedSettings;
  readonly tls: RouteTls | null;
  readonly template: string | null;
}

function invalid(message: string): never {
  throw new BerthError('INVALID_INPUT', message);
}

export function validateAppName(app: unknown): string {
  if (!isAppName(app)) {
    invalid(`Invalid app name ${JSON.stringify(app)}: lowercase letters, digits and dashes, starting with a letter.`);
  }
  return app;
}

export function isValidHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.startsWith('*.') ? host.slice(2).split('.') : host.split('.');
  return labels.every((l) => LABEL.test(l));
}

export function validateHostname(host: unknown): string {
  if (typeof host !== 'string' || !isValidHostname(host)) {
    invalid(`Invalid hostname ${JSON.stringify(host)}: dot-separated labels of a-z, 0-9 and dashes, optionally starting with "*.".`);
  }
  return host;
}

export function validatePort(port: unknown, what = 'port'): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    invalid(`Invalid ${what} ${JSON.stringify(port)}: an integer from 1 to 65535.`);
  }
  return port;
}

export function validateIPv4(host: unknown, what = 'upstream host'): string {
  // net.isIPv4 rejects leading zeros and out-of-range octets; only dotted quads reach nginx.
  if (typeof host !== 'string' || !net.isIPv4(host)) {
    invalid(`Invalid ${what} ${JSON.stringify(host)}: an IPv4 address such as 127.0.0.1.`);
  }
  return host;
}

/** berth's router-hop secret: hex only, so it is one nginx word. */
export function validateHopSecret(secret: unknown): string {
  if (typeof secret !== 'string' || !/^[0-9a-f]{32,128}$/.test(secret)) invalid('Invalid router hop secret: 32 to 128 hex digits.');
  return secret;
}

export function validateBodySize(size: unknown): string {
  if (typeof size !== 'string' || !BODY_SIZE.test(size)) {
    invalid(`Invalid client_max_body_size ${JSON.stringify(size)}: a number with an optional k, m or g suffix.`);
  }
  return size;
}

export function validateDuration(value: unknown, what: string): string {
  if (typeof value !== 'string' || !DURATION.test(value)) {
    invalid(`Invalid ${what} ${JSON.stringify(value)}: a number with an optional ms, s, m or h suffix.`);
  }
  return value;
}

export function validatePorts(ports: unknown): PortMapping[] {
  if (ports === undefined || ports === null) return [];
  if (!Array.isArray(ports)) invalid('route.ports must be an array of {scheme, hostPort, containerPort}.');
  const seen = new Map<number, string>();
  return ports.map((p: PortMapping) => {
    if (typeof p !== 'object' || p === null || (p.scheme !== 'http' && p.scheme !== 'https')) invalid('Each port mapping needs scheme http or https.');
    const hostPort = validatePort(p.hostPort, 'host port');
    const containerPort = validatePort(p.containerPort, 'container port');
    if (p.scheme === 'https' && hostPort !== 443) invalid('https mappings listen on 443 (the router\'s HTTPS port) only.');
    const key = `${p.scheme}:${containerPort}`;
    if (seen.has(hostPort) && seen.get(hostPort) !== key) invalid(`Host port ${hostPort} is mapped twice.`);
    seen.set(hostPort, key);
    return { scheme: p.scheme, hostPort, containerPort };
  });
}

export function resolveSettings(s: RouteSettings | undefined, defaults: { clientMaxBodySize: string }): ResolvedSettings {
  const v = s ?? {};
  if (typeof v !== 'object' || v === null) invalid('route.settings must be an object.');
  const bool = (x: unknown, name: string, fallback: boolean): boolean => {
    if (x === undefined) return fallback;
    if (typeof x !== 'boolean') invalid(`route.settings.${name} must be true or false.`);
    return x;
  };
  const hsts = v.hstsMaxAge ?? 0;
  if (!Number.isInteger(hsts) || hsts < 0 || hsts > 100_000_000) invalid(`Invalid HSTS max-age ${JSON.stringify(hsts)}.`);
  return {
    clientMaxBodySize: validateBodySize(v.clientMaxBodySize ?? defaults.clientMaxBodySize),
    proxyReadTimeout: validateDuration(v.proxyReadTimeout ?? '60s', 'proxy_read_timeout'),
    proxySendTimeout: validateDuration(v.proxySendTimeout ?? '60s', 'proxy_send_timeout'),
    proxyConnectTimeout: validateDuration(v.proxyConnectTimeout ?? '10s', 'proxy_connect_timeout'),
    httpsRedirect: bool(v.httpsRedirect, 'httpsRedirect', true),
    hstsMaxAge: hsts,
    accessLog: bool(v.accessLog, 'accessLog', true),
    rawTemplate: bool(v.rawTemplate, 'rawTemplate', false),
  };
}

/** PEM text goes to its own file, never into the config; still, only PEM reaches the disk. */
export function validateTls(tls: unknown): RouteTls | null {
  if (tls === undefined || tls === null) return null;
  const t = tls as RouteTls;
  const pem = (x: unknown, what: string): string => {
    if (typeof x !== 'string' || x.length > 1_000_000 || !PEM.test(x)) invalid(`route.tls.${what} must be PEM text.`);
    return x;
  };
  return { cert: pem(t.cert, 'cert'), key: pem(t.key, 'key') };
}

/** Checks every field; `defaultDomain` serves an app that has no domains of its own. */
export function validateRoute(route: AppRoute, defaultDomain: string, defaults = { clientMaxBodySize: '100m' }): RouteView {
  if (typeof route !== 'object' || route === null) invalid('A route must be an object.');
  const app = validateAppName(route.app);
  if (!Array.isArray(route.domains)) invalid('route.domains must be an array of hostnames.');
  if (!Array.isArray(route.upstreams)) invalid('route.upstreams must be an array of {host, port}.');
  const given = route.domains.map(validateHostname);
  const domains = [...new Set(given.length > 0 ? given : [validateHostname(`${app}.${defaultDomain}`)])];
  const upstreams = route.upstreams.map((u) => {
    if (typeof u !== 'object' || u === null) invalid('Each upstream must be {host, port}.');
    return { host: validateIPv4(u.host), port: validatePort(u.port, 'upstream port') };
  });
  const template = route.template ?? null;
  if (template !== null && typeof template !== 'string') invalid('route.template must be text.');
  return {
    app, domains, upstreams,
    ports: validatePorts(route.ports),
    settings: resolveSettings(route.settings, defaults),
    tls: validateTls(route.tls),
    template,
  };
}
