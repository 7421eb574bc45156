import type Docker from 'dockerode';
import type { DiskEngine } from '../../ports/disk';
import { guarded, nullOn404, requireRef } from './docker-errors';

/** Sizes and pruning over the engine's images and volumes (`docker images`, `volume inspect`, `image prune`). */
export function createDiskEngine(docker: Docker): DiskEngine {
  return {
    imagesOf: guarded(async (repo: string) => {
      const images = await docker.listImages({ filters: JSON.stringify({ reference: [requireRef(repo, 'image repository')] }) });
      return images.map((i) => ({ id: i.Id, tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), bytes: i.Size }));
    }),
    volumeDir: guarded(async (name: string) => {
      const info = await nullOn404(docker.getVolume(requireRef(name, 'volume name')).inspect());
      return info?.Mountpoint ?? null;
    }),
    pruneDanglingImages: guarded(async (olderThanHours: number) => {
      // `until` keeps what a build running right now just left untagged (and a day's undo).
      const r = await docker.pruneImages({ filters: JSON.stringify({ dangling: ['true'], until: [`${olderThanHours}h`] }) });
      return { removed: (r.ImagesDeleted ?? []).filter((d) => d.Deleted).length, bytes: r.SpaceReclaimed ?? 0 };
    }),
  };
}
