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
    memoryLimitBytes: info.HostConfig?.Memory ?? 0,
  };
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800, month: 2592000, year: 31536000 };

/**
 * The lower bound of a list entry's uptime from its Status ("Up 5 seconds", "Up About a minute",
 * "Up 3 hours (healthy)": docker's human durations); undefined when it is not up or unreadable.
 */
export function upForSeconds(status: string | undefined): number | undefined {
  const m = /^Up (Less than a second|About an? (\w+)|(\d+) (\w+?)s?)\b/.exec(status ?? '');
  if (!m) return undefined;
  if (m[1] === 'Less than a second') return 0;
  const unit = UNIT_SECONDS[m[2] ?? m[4]];
  if (unit === undefined) return undefined;
  return m[2] ? unit : Number(m[3]) * unit;
}

export function fromListEntry(entry: Docker.ContainerInfo): ContainerInfo {
  const labels = entry.Labels ?? {};
  const up = entry.State === 'running' ? upForSeconds(entry.Status) : undefined;
  return {
    ...(up === undefined ? {} : { upForSeconds: up }),
    id: entry.Id,
    name: (entry.Names[0] ?? entry.Id).replace(/^\//, ''),
    image: entry.Image,
    labels,
    state: toState(entry.State),
    ip: pickIp(entry.NetworkSettings?.Networks as Networks, labels),
  };
}
