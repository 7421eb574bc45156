import { isAbsolute, normalize } from 'node:path';
import { BerthError } from '../../errors';

/**
 * What every container berth starts (app processes, one-offs, cron, release commands, service
 * containers, swarm tasks) gets, whatever the app asks for. docs/security.md, "Containers".
 */

/**
 * The capabilities kept; all others are dropped. These are what an image that starts as root
 * needs to bind its port (NET_BIND_SERVICE), drop to its own user (SETUID, SETGID), fix up the
 * ownership and modes of its files (CHOWN, FOWNER, FSETID, DAC_OVERRIDE) and signal its children
 * (KILL). Dropped from docker's default set: NET_RAW (raw sockets: ARP/ICMP spoofing on the
 * bridge), MKNOD, SYS_CHROOT, SETPCAP, SETFCAP, AUDIT_WRITE.
 */
export const KEPT_CAPABILITIES: readonly string[] = Object.freeze([
  'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID',
]);

/** Limits for containers that set none, from the config (BERTH_DEFAULT_MEMORY, BERTH_DEFAULT_CPUS, BERTH_PIDS_LIMIT). */
export interface ContainerLimits {
  /** MiB; 0 or undefined: none. */
  readonly defaultMemoryMb?: number;
  /** CPUs (1.5 = one and a half); 0 or undefined: none. */
  readonly defaultCpus?: number;
  /** Processes and threads per container; 0 or undefined: none. */
  readonly pidsLimit?: number;
}

/** Gives memory and CPU limits to a container that sets none (an app's `resource:limit` wins). */
export function withDefaultLimits<T extends { memoryMb?: number; cpus?: number }>(o: T, limits: ContainerLimits | undefined): T {
  const out = { ...o };
  if (o.memoryMb === undefined && limits?.defaultMemoryMb) out.memoryMb = limits.defaultMemoryMb;
  if (o.cpus === undefined && limits?.defaultCpus) out.cpus = limits.defaultCpus;
  return out;
}

/** The HostConfig fields that confine a container: no privileges to gain, few capabilities, bounded processes. */
export function confinement(limits: ContainerLimits | undefined): {
  Privileged: false; SecurityOpt: string[]; CapDrop: string[]; CapAdd: string[]; PidsLimit?: number;
} {
  return {
    Privileged: false,
    SecurityOpt: ['no-new-privileges:true'],
    CapDrop: ['ALL'],
    CapAdd: [...KEPT_CAPABILITIES],
    ...(limits?.pidsLimit ? { PidsLimit: limits.pidsLimit } : {}),
  };
}

/** The Docker sockets (and the folders holding them) a container must never see: whoever holds one is root on the host. */
const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/var/run', '/run', '/'];

/** Refuses a bind mount of the Docker socket (or a folder holding it), for containers and swarm services alike. */
export function assertNoDockerSocket(mounts: readonly { source: string }[] | undefined): void {
  for (const m of mounts ?? []) {
    if (isAbsolute(m.source) && DOCKER_SOCKETS.includes(normalize(m.source).replace(/(.)\/$/, '$1'))) {
      throw new BerthError('INVALID_INPUT', `Mounting ${m.source} would give the app the host's Docker daemon; mount a data folder instead.`);
    }
  }
}
