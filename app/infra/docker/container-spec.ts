import { isAbsolute } from 'node:path';
import { BerthError } from '../../errors';
import type Docker from 'dockerode';
import type { MountSpec, RunContainerOptions } from '../../ports/container-engine';
import { NETWORK_LABEL } from './container-info';
import { parseRestartPolicy } from './restart-policy';
import { assertNoDockerSocket, confinement, type ContainerLimits } from './hardening';

const MIB = 1024 * 1024;

/** Keeps a container's logs from filling the disk: 3 files of 10 MB. */
const LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } };

export function toCmd(command: RunContainerOptions['command']): string[] | undefined {
  if (command === undefined) return undefined;
  return typeof command === 'string' ? ['/bin/sh', '-c', command] : [...command];
}

function toMount(m: MountSpec): Docker.MountSettings {
  const ro = m.readOnly ? { ReadOnly: true } : {};
  return isAbsolute(m.source)
    ? { Type: 'bind', Source: m.source, Target: m.target, ...ro }
    : { Type: 'volume', Source: m.source, Target: m.target, ...ro };
}

export interface SpecExtras {
  /** Attach stdout/stderr (one-off runs). */
  readonly attach?: boolean;
  /** Keep stdin open for the attached client. */
  readonly stdin?: boolean;
  /** The pids limit (memory and CPU defaults are applied to the options before: withDefaultLimits). */
  readonly limits?: ContainerLimits;
}

/** Refuses the settings that would hand an app the host: its network or the Docker socket. */
function assertConfined(o: RunContainerOptions): void {
  if (['host', 'none'].includes(o.network) || o.network.startsWith('container:')) {
    throw new BerthError('INVALID_INPUT', `Apps cannot use the "${o.network}" network; they join berth's own network.`);
  }
  assertNoDockerSocket(o.mounts);
}

/**
 * docker's create body for a berth container. Pure, so it is easy to check. Every app container
 * is unprivileged, cannot gain privileges (setuid), keeps only KEPT_CAPABILITIES and has a pids limit.
 */
export function createOptionsFor(o: RunContainerOptions, extras: SpecExtras = {}): Docker.ContainerCreateOptions {
  assertConfined(o);
  const labels: Record<string, string> = { [NETWORK_LABEL]: o.network, ...o.labels };
  const hostConfig: Docker.HostConfig = {
    NetworkMode: o.network,
    LogConfig: LOG_CONFIG,
    AutoRemove: false,
    ...confinement(extras.limits),
  };
  const memoryMb = o.memoryMb;
  if (memoryMb !== undefined && memoryMb > 0) hostConfig.Memory = Math.round(memoryMb * MIB);
  if (o.cpus !== undefined) hostConfig.NanoCpus = Math.round(o.cpus * 1e9);
  if (o.restartPolicy !== undefined) hostConfig.RestartPolicy = parseRestartPolicy(o.restartPolicy);
  if (o.mounts && o.mounts.length > 0) hostConfig.Mounts = o.mounts.map(toMount);

  const attach = extras.attach === true;
  const stdin = extras.stdin === true;
  return {
    name: o.name,
    Image: o.image,
    Cmd: toCmd(o.command),
    ...(o.entrypoint ? { Entrypoint: [...o.entrypoint] } : {}),
    ...(o.workingDir ? { WorkingDir: o.workingDir } : {}),
    ...(o.user ? { User: o.user } : {}),
    Env: Object.entries(o.env).map(([k, v]) => `${k}=${v}`),
    Labels: labels,
    Tty: false,
    AttachStdout: attach,
    AttachStderr: attach,
    AttachStdin: stdin,
    OpenStdin: stdin,
    StdinOnce: stdin,
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: { [o.network]: o.aliases?.length ? { Aliases: [...o.aliases] } : {} } },
  };
}
