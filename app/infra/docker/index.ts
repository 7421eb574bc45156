import { dockerOf, type DockerAccess } from './docker-client';
import { BerthError } from '../../errors';
import type { ContainerEngine } from '../../ports/container-engine';
import { buildImage } from './build-image';
import {
  containerLogs, inspectContainer, listContainers, removeContainer, restartContainer, runContainer, stopContainer,
} from './containers';
import { guarded, ignoreStatus, requireRef } from './docker-errors';
import { inspectImage, removeImage, tagImage } from './images';
import type { SubnetPool } from './subnet-pool';
import { networkEnsurer, removeNetwork, syncNetworkMembers } from './networks';
import { runOneOff } from './run-one-off';
import { withDefaultLimits, type ContainerLimits } from './hardening';
import { execIn } from './exec';
import { pullImage } from './pull-image';
import { streamLogs } from './log-stream';
import { containerStats } from './container-stats';
import { connectionsTo } from './connections';
import { lastExitCode } from './last-exit';

interface EngineSettings {
  /** How long ping waits before calling the engine unavailable. Default 3000 ms. */
  readonly pingTimeoutMs?: number;
  /** Default memory/CPU limits and the pids limit of app and one-off containers. Default none. */
  readonly limits?: ContainerLimits;
  /** Where the apps' own networks take their subnets; null or absent: docker's default pools. */
  readonly appSubnets?: SubnetPool | null;
}

/** The process's one dockerode client (`docker`), or the engine's unix socket (`socketPath`, e.g. `/var/run/docker.sock`). */
export type DockerEngineOptions = EngineSettings & DockerAccess;

/** The ContainerEngine port, implemented with dockerode against one local engine. */
export function createDockerEngine(options: DockerEngineOptions): ContainerEngine {
  const docker = dockerOf(options);

  const ensureNetwork = networkEnsurer(docker, options.appSubnets ?? null);

  return {
    ping: async () => {
      try {
        // A timeout for ping only (builds and waits may take hours): an engine that does not answer is down.
        // (dockerode 4 takes `{ abortSignal }` here; its published types lack the options argument.)
        const ping = docker.ping as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>;
        await ping.call(docker, { abortSignal: AbortSignal.timeout(options.pingTimeoutMs ?? 3000) });
      } catch (e) {
        throw new BerthError('DOCKER_UNAVAILABLE', undefined, { cause: e });
      }
    },
    ensureNetwork: guarded(ensureNetwork),
    removeVolume: guarded(async (name: string) => { await ignoreStatus(docker.getVolume(requireRef(name, 'volume name')).remove(), [404]); }),
    removeNetwork: guarded((name: string) => removeNetwork(docker, name)),
    syncNetworkMembers: guarded((network: string, o) => syncNetworkMembers(docker, network, o)),
    buildImage: guarded((o) => buildImage(docker, o)),
    inspectImage: guarded((ref: string) => inspectImage(docker, ref)),
    pullImage: guarded((o: Parameters<ContainerEngine['pullImage']>[0]) => pullImage(docker, o)),
    tagImage: guarded((source: string, repo: string, tag: string) => tagImage(docker, source, repo, tag)),
    removeImage: guarded((ref: string) => removeImage(docker, ref)),
    runContainer: guarded((o) => runContainer(docker, withDefaultLimits(o, options.limits), options.limits)),
    runOneOff: guarded((o) => runOneOff(docker, withDefaultLimits(o, options.limits), options.limits)),
    listContainers: guarded((filter) => listContainers(docker, filter)),
    inspectContainer: guarded((idOrName: string) => inspectContainer(docker, idOrName)),
    stopContainer: guarded((id: string, timeoutSeconds: number) => stopContainer(docker, id, timeoutSeconds)),
    removeContainer: guarded((id: string) => removeContainer(docker, id)),
    restartContainer: guarded((id: string, timeoutSeconds: number) => restartContainer(docker, id, timeoutSeconds)),
    connectionsTo: guarded((id: string, port: number) => connectionsTo(docker, id, port)),
    containerLogs: guarded((id: string, tail: number) => containerLogs(docker, id, tail)),
    exec: guarded((o) => execIn(docker, o)),
    streamLogs: guarded((id: string, o) => streamLogs(docker, id, o)),
    stats: guarded((id: string) => containerStats(docker, id)),
    lastExitCode: guarded((id: string, withinSeconds: number) => lastExitCode(docker, id, withinSeconds)),
  };
}
