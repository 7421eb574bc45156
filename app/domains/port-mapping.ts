import { BerthError } from '../errors';
import type { PortMappingRecord } from '../ports/routing-store';

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
