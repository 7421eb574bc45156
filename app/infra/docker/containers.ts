import type Docker from 'dockerode';
import type { ContainerInfo, RunContainerOptions } from '../../ports/container-engine';
import { fromInspect, fromListEntry } from './container-info';
import { createOptionsFor } from './container-spec';
import type { ContainerLimits } from './hardening';
import { ignoreStatus, nullOn404, requireRef, toBerthError } from './docker-errors';
import { demuxFrames } from './log-frames';

/**
 * Creates and starts a container. If it cannot start (bad command, missing image) the created
 * husk is removed, so that a retry can reuse the name.
 */
export async function runContainer(docker: Docker, o: RunContainerOptions, limits?: ContainerLimits): Promise<ContainerInfo> {
  const spec = createOptionsFor(o, { limits });
  let container: Docker.Container;
  try {
    container = await docker.createContainer(spec);
  } catch (e) {
    throw toBerthError(e, 'DEPLOY_FAILED', `cannot create container ${o.name}`);
  }
  try {
    await container.start();
  } catch (e) {
    await ignoreStatus(container.remove({ force: true }), [404, 409]).catch(() => undefined);
    throw toBerthError(e, 'DEPLOY_FAILED', `cannot start container ${o.name}`);
  }
  // Re-inspect: the address on the network is only known once the container runs.
  return fromInspect(await container.inspect(), o.network);
}

export async function listContainers(
  docker: Docker,
  filter: { readonly labels: Readonly<Record<string, string>> },
): Promise<ContainerInfo[]> {
  const label = Object.entries(filter.labels).map(([k, v]) => `${k}=${v}`);
  const entries = await docker.listContainers({ all: true, filters: { label } });
  return entries.map(fromListEntry);
}

export async function inspectContainer(docker: Docker, idOrName: string): Promise<ContainerInfo | null> {
  const info = await nullOn404(docker.getContainer(requireRef(idOrName, 'container id')).inspect());
  return info === null ? null : fromInspect(info);
}

/** Stops gracefully (SIGTERM, then SIGKILL after `timeoutSeconds`). Already stopped (304) or gone (404): fine. */
export async function stopContainer(docker: Docker, id: string, timeoutSeconds: number): Promise<void> {
  await ignoreStatus(docker.getContainer(requireRef(id, 'container id')).stop({ t: timeoutSeconds }), [304, 404]);
}

export async function restartContainer(docker: Docker, id: string, timeoutSeconds: number): Promise<void> {
  await docker.getContainer(requireRef(id, 'container id')).restart({ t: timeoutSeconds });
}

/** Force-removes. Gone (404) or already being removed (409): fine. */
export async function removeContainer(docker: Docker, id: string): Promise<void> {
  await ignoreStatus(docker.getContainer(requireRef(id, 'container id')).remove({ force: true }), [404, 409]);
}

export async function containerLogs(docker: Docker, id: string, tail: number): Promise<string> {
  const raw: unknown = await docker.getContainer(requireRef(id, 'container id')).logs({ stdout: true, stderr: true, follow: false, tail });
  // docker-modem JSON-parses bodies; only a TTY container's log could look like JSON.
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw ?? ''));
  return (await demuxFrames(docker, buf)).toString('utf8');
}
