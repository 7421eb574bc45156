import { BerthError } from '../errors';
import type { PortMappingRecord } from '../ports/routing-store';
import type { Store } from '../ports/store';
import type { ReleasesReader } from '../releases/releases-reader';

const MAPPING = /^(http|https):([0-9]{1,5}):([0-9]{1,5})$/;

function bad(raw: unknown, why: string): never {
  throw new BerthError('INVALID_PORT_MAPPING', `Invalid port mapping ${JSON.stringify(raw)}: ${why}`);
}

/** `http:80:5000` → {scheme, hostPort, containerPort}. 80 and 443 are the router's HTTP and HTTPS ports. */
export function parsePortMapping(raw: unknown): PortMappingRecord {
  if (typeof raw !== 'string') bad(raw, 'give scheme:host-port:container-port, e.g. http:80:5000.');
  const m = MAPPING.exec(raw);
  if (!m) bad(raw, 'give scheme:host-port:container-port with scheme http or https, e.g. http:80:5000.');
  const scheme = m[1] as PortMappingRecord['scheme'];
  const hostPort = Number(m[2]);
  const containerPort = Number(m[3]);
  for (const p of [hostPort, containerPort]) if (p < 1 || p > 65535) bad(raw, 'ports are 1 to 65535.');
  if (scheme === 'https' && hostPort !== 443) bad(raw, 'https is served on 443 (the router\'s HTTPS port) only.');
  return { scheme, hostPort, containerPort };
}

export const formatPortMapping = (m: PortMappingRecord): string => `${m.scheme}:${m.hostPort}:${m.containerPort}`;

/** A host port forwards to one container port only. */
export function checkPortSet(mappings: readonly PortMappingRecord[]): void {
  const byHost = new Map<number, PortMappingRecord>();
  for (const m of mappings) {
    const prev = byHost.get(m.hostPort);
    if (prev && formatPortMapping(prev) !== formatPortMapping(m)) {
      bad(formatPortMapping(m), `host port ${m.hostPort} is already mapped (${formatPortMapping(prev)}).`);
    }
    byHost.set(m.hostPort, m);
  }
}

/**
 * dokku's rule for Dockerfile apps: each EXPOSEd TCP port p becomes `http:p:p` (80 and 443 being
 * the router's HTTP and HTTPS ports), used when the app has no port mappings of its own. UDP and
 * SCTP ports are skipped (berth's router proxies HTTP only), and so is 443, which serves HTTPS only
 * once the app has a certificate (`ports:add <app> https:443:<port>` then); `skipped` says which.
 */
export function detectPortMappings(exposed: readonly string[]): { mappings: string[]; skipped: string[] } {
  const mappings: string[] = [];
  const skipped: string[] = [];
  for (const key of exposed) {
    const m = /^(\d{1,5})\/(tcp|udp|sctp)$/.exec(key);
    const port = m ? Number(m[1]) : 0;
    if (!m || port < 1 || port > 65535) continue;
    if (m[2] !== 'tcp' || port === 443) { skipped.push(key); continue; }
    mappings.push(`http:${port}:${port}`);
  }
  return { mappings: [...new Set(mappings)], skipped };
}

export interface EffectivePorts {
  readonly mappings: readonly PortMappingRecord[];
  /** `ports:set` (the app's own), `EXPOSE in v<N>` (the Dockerfile's, dokku's rule) or `default` (http:80:<port>). */
  readonly source: string;
}

/**
 * The mappings the router uses: the app's own, else those its newest release's Dockerfile EXPOSEs
 * (the newest release is the one being deployed, as for the app's nginx template), else none
 * (the router's default, http:80:<release port>).
 */
export function effectivePorts(store: Pick<Store, 'ports'>, releases: Pick<ReleasesReader, 'list'>, app: string): EffectivePorts {
  const own = store.ports.list(app);
  if (own.length > 0) return { mappings: own, source: 'ports:set' };
  const newest = releases.list(app)[0];
  const detected = newest?.detectedPorts ?? [];
  if (detected.length > 0) return { mappings: detected.map(parsePortMapping), source: `EXPOSE in v${newest!.version}'s Dockerfile` };
  return { mappings: [], source: 'default' };
}
