import net from 'node:net';
import { BerthError } from '../../errors';
import type { AppRoute } from '../../ports/router';

/*
 * Templates render with autoescape off (nginx config is not HTML), so every value is checked
 * here first. Nothing that passes can contain whitespace, braces, semicolons, quotes, `$` or
 * newlines — the characters that would let a value escape its nginx directive.
 */

const APP_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const BODY_SIZE = /^[1-9][0-9]{0,5}[kmg]?$/;

export interface RouteView {
  readonly app: string;
  readonly domains: readonly string[];
  readonly upstreams: readonly { readonly host: string; readonly port: number }[];
}

function invalid(message: string): never {
  throw new BerthError('INVALID_INPUT', message);
}

export function validateAppName(app: unknown): string {
  if (typeof app !== 'string' || !APP_NAME.test(app)) {
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

export function validateBodySize(size: unknown): string {
  if (typeof size !== 'string' || !BODY_SIZE.test(size)) {
    invalid(`Invalid client_max_body_size ${JSON.stringify(size)}: a number with an optional k, m or g suffix.`);
  }
  return size;
}

/** Checks every field; `defaultDomain` serves an app that has no domains of its own. */
export function validateRoute(route: AppRoute, defaultDomain: string): RouteView {
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
  return { app, domains, upstreams };
}
