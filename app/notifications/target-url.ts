import net from 'node:net';
import { BerthError } from '../errors';

import type { NotificationTargetType as TargetType } from '../ports/notifications';
export type { TargetType };

/** A target as given, checked for form: its type, and the URL (or mailto: recipients) it goes to. */
export interface ParsedTarget {
  readonly type: TargetType;
  readonly url: string;
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const MAX_RECIPIENTS = 10;

function invalid(message: string): BerthError {
  return new BerthError('INVALID_NOTIFICATION_TARGET', message);
}

/**
 * Reads a target: `mailto:a@x[,b@y]` is email; an http(s) URL is a generic webhook, or Slack's
 * when its host is hooks.slack.com or `type` says slack (Mattermost, Rocket.Chat and local
 * receivers take the same body). Anything else (file:, gopher:, ftp:, …) is refused here.
 */
export function parseTarget(raw: unknown, type?: unknown): ParsedTarget {
  if (typeof raw !== 'string' || raw.trim() === '' || raw.length > 2000) throw invalid('Give the target as an http(s) URL or mailto:address (at most 2000 characters).');
  if (type !== undefined && type !== null && type !== 'webhook' && type !== 'slack' && type !== 'email') {
    throw invalid(`Notification types are webhook, slack and email, not "${String(type)}".`);
  }
  const text = raw.trim();
  if (/^mailto:/i.test(text)) {
    if (type && type !== 'email') throw invalid(`A mailto: target is an email target, not ${String(type)}.`);
    const to = text.slice('mailto:'.length).split(',').map((a) => decodeURIComponent(a.trim()));
    if (to.length > MAX_RECIPIENTS || to.some((a) => !EMAIL.test(a))) throw invalid(`"${text}" is not mailto: with up to ${MAX_RECIPIENTS} addresses separated by commas.`);
    return { type: 'email', url: `mailto:${to.join(',')}` };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`"${text}" is not a URL; give http(s)://host/path or mailto:address.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`Notifications go to http:// and https:// URLs or mailto: addresses only, not ${url.protocol}.`);
  }
  if (type === 'email') throw invalid('An email target is mailto:address.');
  const slack = type === 'slack' || (type === undefined || type === null ? url.hostname === 'hooks.slack.com' : false);
  return { type: slack ? 'slack' : 'webhook', url: url.toString() };
}

/** What a target URL must not reach: berth's own listeners on this host. */
export interface AddressRules {
  /** berth's own ports (API, SSH, registry, router, Redis): refused on loopback, unspecified and this host's addresses. */
  readonly ownPorts: ReadonlySet<number>;
  /** This host's own interface addresses (loopback is always counted). */
  readonly localAddresses: () => readonly string[];
}

/** The port a URL talks to (its own, else its scheme's). */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/**
 * Why an address may not be sent to, or null when it may. Link-local (169.254/16, fe80::/10; the
 * cloud metadata services live there), the other metadata addresses, unspecified, multicast and
 * broadcast addresses are never targets; berth's own ports are not on any address of this host.
 */
export function refusedAddress(address: string, port: number, rules: AddressRules): string | null {
  const a = unmapped(address.toLowerCase());
  if (net.isIPv4(a)) {
    const [p, q] = a.split('.').map(Number);
    if (p === 169 && q === 254) return `${a} is link-local (where cloud metadata services answer)`;
    if (a === '100.100.100.200') return `${a} is a cloud metadata address`;
    if (p === 0) return `${a} is the unspecified network`;
    if (p >= 224) return `${a} is multicast or reserved`;
  } else if (net.isIPv6(a)) {
    if (/^fe[89ab]/.test(a)) return `${a} is link-local`;
    if (a === 'fd00:ec2::254') return `${a} is a cloud metadata address`;
    if (a === '::') return `${a} is the unspecified address`;
    if (a.startsWith('ff')) return `${a} is multicast`;
  } else {
    return `${address} is not an IP address`;
  }
  if (rules.ownPorts.has(port) && isThisHost(a, rules)) return `port ${port} on ${a} is one of berth's own`;
  return null;
}

function isThisHost(a: string, rules: AddressRules): boolean {
  if (a === '::1' || /^127\./.test(a)) return true;
  return rules.localAddresses().some((l) => unmapped(l.toLowerCase()) === a);
}

/** An IPv4-mapped IPv6 address as its IPv4 address, in either spelling (the URL parser writes `::ffff:a9fe:a9fe`). */
function unmapped(a: string): string {
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) return dotted[1];
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (!hex) return a;
  const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Refuses (NOTIFICATION_TARGET_FORBIDDEN) a URL any of whose addresses may not be sent to. */
export async function checkTargetAddresses(url: string, rules: AddressRules, resolve: (host: string) => Promise<readonly string[]>): Promise<void> {
  if (url.startsWith('mailto:')) return;
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: readonly string[];
  try {
    addresses = net.isIP(host) ? [host] : await resolve(host);
  } catch {
    throw new BerthError('INVALID_NOTIFICATION_TARGET', `The host ${host} of the target does not resolve; check the URL.`);
  }
  for (const address of addresses) {
    const why = refusedAddress(address, portOf(u), rules);
    if (why) throw new BerthError('NOTIFICATION_TARGET_FORBIDDEN', `Notifications may not go to ${u.host}: ${why}.`);
  }
}
