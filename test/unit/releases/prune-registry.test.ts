import assert from 'node:assert/strict';
import { ReleaseMaker } from '../../../app/builds/release-maker';
import type { ContainerEngine } from '../../../app/ports/container-engine';
import type { ReleasesWriter } from '../../../app/releases';

/** Releases v7 (newest) … v1 of `app`; `current` is the live one. */
function fakeReleases(current: number): { releases: ReleasesWriter; apps: never; config: never } {
  const releases = [7, 6, 5, 4, 3, 2, 1].map((version) => ({ app: 'app', version, image: `berth/app:v${version}` }));
  return { releases: { list: () => releases, current: () => releases.find((r) => r.version === current) ?? null } as unknown as ReleasesWriter, apps: {} as never, config: {} as never };
}

describe('pruning release images, locally and in berth\'s registry', () => {
  it('keeps the newest BERTH_KEEP_IMAGES and the current release, in both places', async () => {
    const removed: string[] = [];
    let registry: { app: string; keep: readonly string[] } | null = null;
    const engine = { removeImage: async (ref: string) => { removed.push(ref); } } as unknown as ContainerEngine;
    const maker = new ReleaseMaker({
      ...fakeReleases(2), engine, keepImages: 3, pruneRegistry: async (app, keep) => { registry = { app, keep }; },
    });
    await maker.pruneImages('app');
    assert.deepEqual(removed, ['berth/app:v4', 'berth/app:v3', 'berth/app:v1']);
    assert.deepEqual(registry, { app: 'app', keep: ['v7', 'v6', 'v5', 'v2'] });
  });

  it('prunes the registry even when a local image cannot be removed', async () => {
    let called = false;
    const engine = { removeImage: async () => { throw new Error('engine gone'); } } as unknown as ContainerEngine;
    const maker = new ReleaseMaker({ ...fakeReleases(7), engine, keepImages: 3, pruneRegistry: async () => { called = true; } });
    await assert.rejects(maker.pruneImages('app'), /engine gone/);
    assert.equal(called, true);
  });
});
