import { BerthError } from '../errors';

/** berth's own endpoints: a sync must never fetch from them (another app's repo through berth's own transport). */
export interface OwnEndpoints {
  /** BERTH_PORT, BERTH_SSH_PORT and the router's ports (berth's own hostname is proxied there). */
  readonly ports: readonly number[];
  /** BERTH_HOSTNAME, when set. */
  readonly hostnames: readonly string[];
  /** This host's own addresses (loopback, link-local, its interfaces; names resolved). */
  isOwnAddress(host: string): Promise<boolean>;
}

export interface RemoteUrl {
  /** What git is given. */
  readonly url: string;
  /** Host and path, for logs, events and the release's description. */
  readonly shown: string;
}

const DEFAULT_PORT: Readonly<Record<string, number>> = { 'https:': 443, 'http:': 80, 'ssh:': 22, 'git:': 9418 };
/** scp-like `user@host:path` as git reads it: no slash before the first colon. */
const SCP = /^(?:([A-Za-z0-9._-]+)@)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):([^/\\].*|\/.+)$/;

const refused = (why: string): BerthError => new BerthError('REPO_URL_REFUSED', `berth fetches from network repositories only (https://, http://, ssh://, git:// or user@host:path); ${why}.`);

/**
 * Checks a repository URL before git sees it. A developer could otherwise have berth read host
 * files (a path, file://), run a command (`ext::`), or fetch another app's repo through berth's
 * own git endpoints (its web, SSH or router port on this host). Refusals are REPO_URL_REFUSED;
 * what is not a URL at all is INVALID_REPO_URL.
 */
export async function checkRemoteUrl(raw: unknown, own: OwnEndpoints): Promise<RemoteUrl> {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) throw new BerthError('INVALID_REPO_URL', 'Give the repository\'s URL (at most 2048 characters).');
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(raw)) throw new BerthError('INVALID_REPO_URL', 'A repository URL has no spaces or control characters.');
  if (raw.startsWith('-')) throw new BerthError('INVALID_REPO_URL', 'A repository URL cannot start with "-".');
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(raw)) throw refused(`"${raw.split('::')[0]}::" runs a git transport helper`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(raw);
  if (scheme) {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new BerthError('INVALID_REPO_URL', `"${raw.slice(0, 80)}" is not a URL.`);
    }
    if (u.protocol === 'file:') throw refused('file:// reads berth\'s own disk');
    if (!(u.protocol in DEFAULT_PORT)) throw refused(`${u.protocol}// is not one of them`);
    if (u.password || (u.username && u.protocol !== 'ssh:')) {
      throw new BerthError('INVALID_REPO_URL', 'Keep credentials out of the URL: store a token or deploy key with `berth git:auth <app>`.');
    }
    if (!u.hostname) throw new BerthError('INVALID_REPO_URL', `"${raw.slice(0, 80)}" names no host.`);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    await refuseOwn(host, u.port ? Number(u.port) : DEFAULT_PORT[u.protocol], own);
    return { url: raw, shown: `${u.protocol}//${u.host}${u.pathname}` };
  }
  const scp = SCP.exec(raw);
  if (scp && scp[2].length > 1) {
    const host = scp[2].replace(/^\[|\]$/g, '');
    await refuseOwn(host, 22, own);
    return { url: raw, shown: `${host}:${scp[3]}` };
  }
  throw refused('a path on berth\'s host is not one');
}

async function refuseOwn(host: string, port: number, own: OwnEndpoints): Promise<void> {
  const lower = host.toLowerCase();
  if (own.hostnames.some((h) => h.toLowerCase() === lower)) throw refused(`${host} is berth itself`);
  if (own.ports.includes(port) && await own.isOwnAddress(host)) throw refused(`${host}:${port} is berth's own endpoint on this host`);
}
