import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { BerthError } from '../errors';
import { isOwnAddress } from '../registry-auth';

const SCHEMES = new Set(['syslog:', 'syslog+tls:', 'https:']);
/** syslog over TCP and over TLS (RFC 6587, RFC 5425's port). */
const DEFAULT_PORT: Readonly<Record<string, number>> = { 'syslog:': 514, 'syslog+tls:': 6514, 'https:': 443 };

const invalid = (why: string): BerthError => new BerthError('INVALID_LOG_DRAIN_URL', `${why}: give syslog+tls://host:port, syslog://host:port or https://host/path.`);

/** A drain URL as given: its scheme, a host, no credentials for syslog, nothing berth would ignore. */
export function parseDrainUrl(raw: unknown): URL {
  if (typeof raw !== 'string') throw new BerthError('INVALID_INPUT', '"url" must be a string: syslog+tls://host:port, syslog://host:port or https://host/path.');
  if (raw.length === 0 || raw.length > 2048) throw invalid('The drain URL is empty or too long');
  let url: URL;
  try { url = new URL(raw); } catch { throw invalid(`"${raw.slice(0, 80)}" is not a URL`); }
  if (!SCHEMES.has(url.protocol)) throw invalid(`${url.protocol.replace(/:$/, '')} is not a drain scheme`);
  if (!url.hostname) throw invalid('The drain URL has no host');
  if (url.protocol !== 'https:') {
    if (url.username || url.password) throw invalid('A syslog drain carries no user or password');
    if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) throw invalid('A syslog drain is host:port only');
  }
  if (url.hash) throw invalid('A drain URL has no #fragment');
  return url;
}

export const portOf = (url: URL): number => Number(url.port) || DEFAULT_PORT[url.protocol]!;

/** The URL as listings show it: a password is never shown. */
export function shownUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch { return raw; }
}

function linkLocalOrUnspecified(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number);
    return a === 0 || (a === 169 && b === 254);
  }
  const v6 = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  if (mapped) return linkLocalOrUnspecified(mapped[1]!);
  return v6 === '::' || /^fe[89ab]/.test(v6);
}

function privateRange(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number);
    return a === 10 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b < 128);
  }
  const v6 = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  return mapped ? privateRange(mapped[1]!) : /^f[cd]/.test(v6);
}

export interface DrainAddressRule {
  /** An admin's drain may reach this host and private networks (a log server beside berth). */
  readonly privileged: boolean;
  /** berth's own ports (web, router, SSH, Redis, registry): never a drain's, on this host. */
  readonly ownPorts: ReadonlySet<number>;
}

/**
 * Where a drain may send: never link-local or unspecified addresses (cloud metadata), never berth's
 * own ports on this host (log lines are the app's words: written to Redis' port they would be
 * commands); this host and private networks (other apps' containers) only for an admin's drain.
 * Every address a name resolves to is checked, here and again before each connect.
 */
export async function checkDrainAddress(url: URL, rule: DrainAddressRule): Promise<string> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((a) => a.map((x) => x.address), () => [] as string[]);
  if (addresses.length === 0) throw invalid(`${host} does not resolve`);
  const port = portOf(url);
  for (const a of addresses) {
    if (linkLocalOrUnspecified(a)) throw new BerthError('LOG_DRAIN_LINK_LOCAL', `${host} is ${a}, a link-local or unspecified address: no drain goes there.`);
    const own = host === 'localhost' || await isOwnAddress(a);
    if (own && rule.ownPorts.has(port)) throw new BerthError('LOG_DRAIN_OWN_PORT', `${host}:${port} is one of berth's own ports on this host: no drain goes there.`);
    if ((own || privateRange(a)) && !rule.privileged) {
      throw new BerthError('LOG_DRAIN_PRIVATE', `${host} is ${a}, ${own ? 'this host' : 'a private address'}: only an admin adds a drain there.`);
    }
  }
  return addresses[0]!;
}
