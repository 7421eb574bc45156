import { lookup } from 'node:dns/promises';
import { createServer, isIP } from 'node:net';

/**
 * Whether a registry host is this machine's own address: loopback (127/8, ::1, `localhost`),
 * link-local (169.254/16, fe80::/10: cloud metadata lives there), unspecified (0.0.0.0, ::), or
 * an address of one of its interfaces (docker0's 172.17.0.1 reaches every service on 0.0.0.0).
 * dockerd would connect there on a user's behalf and hand back what answered in its error text,
 * so a developer could map the host's loopback services through `apps:deploy-image`.
 * Names are resolved, so a name pointing at 127.0.0.1 counts too.
 */
export async function isOwnAddress(host: string): Promise<boolean> {
  // host[:port]; an IPv6 literal (more than one colon) has no port here.
  const bare = (host.split(':').length > 2 ? host : host.replace(/:\d+$/, '')).toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  const addresses = isIP(bare) ? [bare] : await lookup(bare, { all: true }).then((a) => a.map((x) => x.address), () => []);
  for (const a of addresses) if (ownRange(a) || await isLocal(a)) return true;
  return false;
}

/** An address this machine holds: it can listen there (an interface's list misses bridges that are down). */
function isLocal(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, ip, () => probe.close(() => resolve(true)));
  });
}

function ownRange(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number);
    return a === 127 || a === 0 || (a === 169 && b === 254);
  }
  const v6 = ip.toLowerCase();
  if (v6 === '::1' || v6 === '::') return true;
  if (/^fe[89ab]/.test(v6)) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  return mapped ? ownRange(mapped[1]!) : false;
}
