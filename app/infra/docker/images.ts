import type Docker from 'dockerode';
import type { ImageInfo } from '../../ports/container-engine';
import { ignoreStatus, nullOn404, requireRef } from './docker-errors';
import { lowestTcpPort } from './exposed-port';

function nonEmpty(v: string | readonly string[] | null | undefined): boolean {
  return typeof v === 'string' ? v.length > 0 : Array.isArray(v) && v.length > 0;
}

export async function inspectImage(docker: Docker, ref: string): Promise<ImageInfo | null> {
  const info = await nullOn404(docker.getImage(requireRef(ref, 'image reference')).inspect());
  if (info === null) return null;
  const config = info.Config as (Docker.ImageInspectInfo['Config'] & { Entrypoint?: string | string[] | null }) | undefined;
  return {
    id: info.Id,
    exposedPort: lowestTcpPort(config?.ExposedPorts),
    hasCommand: nonEmpty(config?.Cmd) || nonEmpty(config?.Entrypoint),
    tags: info.RepoTags ?? [],
    repoDigests: info.RepoDigests ?? [],
    onBuild: (config as { OnBuild?: string[] | null } | undefined)?.OnBuild ?? [],
  };
}

export async function tagImage(docker: Docker, source: string, repo: string, tag: string): Promise<void> {
  await docker.getImage(requireRef(source, 'image reference')).tag({ repo, tag });
}

/** Removes (or untags) an image. Gone already (404) or still used by a container (409): left alone. */
export async function removeImage(docker: Docker, ref: string): Promise<void> {
  await ignoreStatus(docker.getImage(requireRef(ref, 'image reference')).remove(), [404, 409]);
}
