import type Docker from 'dockerode';
import type { ContainerInfo, ContainerState } from '../../ports/container-engine';

/** Label runContainer sets so that later lookups know which network's address to report. */
export const NETWORK_LABEL = 'berth.network';

const STATES: ReadonlySet<string> = new Set<ContainerState>([
  'created', 'running', 'restarting', 'exited', 'paused', 'dead', 'removing',
]);

function toState(s: string | undefined): ContainerState {
  // Docker has no other states today; an unknown one is safest treated as not running.
  return s !== undefined && STATES.has(s) ? (s as ContainerState) : 'dead';
}

type Networks = Readonly<Record<string, { IPAddress?: string } | undefined>> | undefined;

/** The address on `preferred` (or the `berth.network` label's network, or the first one). */
function pickIp(networks: Networks, labels: Readonly<Record<string, string>>, preferred?: string): string | null {
  if (!networks) return null;
  const wanted = preferred ?? labels[NETWORK_LABEL];
  const net = wanted !== undefined ? networks[wanted] : Object.values(networks)[0];
  return net?.IPAddress ? net.IPAddress : null;
}

export function fromInspect(info: Docker.ContainerInspectInfo, network?: string): ContainerInfo {
  const labels = info.Config?.Labels ?? {};
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config?.Image ?? info.Image,
    labels,
    state: toState(info.State?.Status),
    ip: pickIp(info.NetworkSettings?.Networks as Networks, labels, network),
    startedAt: info.State?.StartedAt && !info.State.StartedAt.startsWith('0001-') ? info.State.StartedAt : null,
    restartCount: info.RestartCount ?? 0,
    exitCode: info.State?.ExitCode ?? 0,
  };
}

export function fromListEntry(entry: Docker.ContainerInfo): ContainerInfo {
  const labels = entry.Labels ?? {};
  return {
    id: entry.Id,
    name: (entry.Names[0] ?? entry.Id).replace(/^\//, ''),
    image: entry.Image,
    labels,
    state: toState(entry.State),
    ip: pickIp(entry.NetworkSettings?.Networks as Networks, labels),
  };
}
