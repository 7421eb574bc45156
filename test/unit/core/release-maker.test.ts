import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ReleaseMaker } from '../../../app/builds/release-maker';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { EMPTY_MANIFEST } from '../../../app/manifest/manifest';
import { InMemoryImages } from '../../support/fakes/images';
import type { ImageInfo } from '../../../app/ports/container-engine';
import type { BuildRecord, Store } from '../../../app/ports/store';
import { ownersOf } from '../../support/store-readers';

const rejected = async (p: Promise<unknown>): Promise<{ code: string; message: string }> => {
  try { await p; } catch (e) { return { code: (e as { code: string }).code, message: (e as Error).message }; }
  return { code: 'none', message: '' };
};

/**
 * ReleaseMaker against a real SQLite store and a fake engine: deploying an image (pulled when
 * missing, refused when it is another app's or has nothing to run), the release's fields for each
 * kind of build, rollbacks and config releases, build args, and pruning old release images.
 */
describe('release maker (real SQLite store, fake engine)', () => {
  let dir: string;
  let store: Store;
  let engine: InMemoryImages;
  let pulls: string[];
  let pruned: Array<[string, readonly string[]]>;
  let lines: string[];
  const log = (l: string) => { lines.push(l); };
  const maker = (o: { pull?: boolean; keepImages?: number; registry?: boolean } = {}) => new ReleaseMaker({
    ...ownersOf(store), engine: engine as never, keepImages: o.keepImages ?? 2,
    ...(o.registry === false ? {} : { pruneRegistry: async (app: string, keep: readonly string[]) => { pruned.push([app, keep]); } }),
    ...(o.pull ? {
      pull: async (ref: string, l: (line: string) => void) => {
        pulls.push(ref);
        l(`pulled ${ref}`);
        if (ref.startsWith('registry.test/')) engine.images.set(ref, { id: 'sha256:pulled', exposedPort: 8080, hasCommand: true });
      },
    } : {}),
  });
  const build = (kind: string, source: string, app = 'shop'): BuildRecord => store.builds.create({ app, kind, source, snapshotPath: null, user: 'dana' });
  const release = (version: number, o: { image?: string; app?: string } = {}) => store.releases.create({
    app: o.app ?? 'shop', image: o.image ?? `berth/shop:v${version}`, gitSha: null, config: {}, processes: { web: '' }, port: 5000,
    appJson: null, manifest: EMPTY_MANIFEST, detectedPorts: null, description: `v${version}`, user: null,
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-release-maker-'));
    store = openSqliteStore(path.join(dir, 'berth.db'));
    store.apps.insert('shop');
    store.apps.insert('other');
    engine = new InMemoryImages({ recordInspects: true });
    pulls = [];
    pruned = [];
    lines = [];
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('fromImage', () => {
    it('an image on this host becomes vN: tagged berth/<app>:vN, its port, one web process, no commit', async () => {
      engine.images.set('nginx:1.27', { id: 'sha256:n', exposedPort: 8080, hasCommand: true, tags: ['nginx:1.27'] });
      const r = await maker().fromImage(build('image', 'nginx:1.27'), log);
      assert.deepEqual([r.version, r.image, r.port, r.gitSha, r.description, r.user, r.processes, r.appJson],
        [1, 'berth/shop:v1', 8080, null, 'image nginx:1.27', 'dana', { web: '' }, null]);
      assert.deepEqual(lines, ['-----> Deploying image nginx:1.27']);
      assert.deepEqual(engine.calls, ['inspect nginx:1.27', 'tag nginx:1.27 berth/shop:v1'], 'an outside image is tagged, never removed');
      const second = await maker().fromImage(build('image', 'nginx:1.27'), log);
      assert.equal(second.version, 2);
    });

    it('an image without EXPOSE listens on 5000', async () => {
      engine.images.set('plain:1', { id: 'sha256:p', exposedPort: null, hasCommand: true });
      assert.equal((await maker().fromImage(build('image', 'plain:1'), log)).port, 5000);
    });

    it('an image that is not here and cannot be pulled: INVALID_IMAGE saying what to do', async () => {
      const noPull = await rejected(maker().fromImage(build('image', 'missing:1'), log));
      assert.deepEqual(noPull, { code: 'INVALID_IMAGE', message: 'Image "missing:1" is not on this host: build it or `docker load` it first (no registry is reachable).' });
      const pulledNothing = await rejected(maker({ pull: true }).fromImage(build('image', 'missing:1'), log));
      assert.deepEqual(pulledNothing, noPull);
      assert.deepEqual(pulls, ['missing:1']);
      assert.equal(store.releases.list('shop').length, 0);
    });

    it('an image that is not here is pulled first, with the pull\'s lines in the build log', async () => {
      const r = await maker({ pull: true }).fromImage(build('image', 'registry.test/team/web:2'), log);
      assert.deepEqual(pulls, ['registry.test/team/web:2']);
      assert.deepEqual(lines, ['pulled registry.test/team/web:2', '-----> Deploying image registry.test/team/web:2']);
      assert.deepEqual([r.version, r.port], [1, 8080]);
      assert.deepEqual(engine.calls, ['inspect registry.test/team/web:2', 'inspect registry.test/team/web:2', 'tag registry.test/team/web:2 berth/shop:v1']);
    });

    it('an image here is not pulled again', async () => {
      engine.images.set('registry.test/team/web:2', { id: 'sha256:x', exposedPort: 80, hasCommand: true });
      await maker({ pull: true }).fromImage(build('image', 'registry.test/team/web:2'), log);
      assert.deepEqual(pulls, []);
    });

    it('an image with nothing to run is refused', async () => {
      engine.images.set('data:1', { id: 'sha256:d', exposedPort: null, hasCommand: false });
      assert.deepEqual(await rejected(maker().fromImage(build('image', 'data:1'), log)),
        { code: 'INVALID_IMAGE', message: 'Image "data:1" has no CMD or ENTRYPOINT to run.' });
      assert.deepEqual(engine.calls, ['inspect data:1']);
    });

    it('another app\'s image (by any of its names: tags or repo digests, any registry) is refused; its own and berth\'s own are not', async () => {
      const refusedAs = async (info: Partial<ImageInfo>) => {
        engine.images.set('img:x', { id: 'sha256:x', exposedPort: null, hasCommand: true, ...info });
        return rejected(maker().fromImage(build('image', 'img:x'), log));
      };
      const message = 'Image "img:x" is app other\'s; an app deploys its own builds or images from outside berth.';
      assert.deepEqual(await refusedAs({ tags: ['mirror/x:1', 'berth/other:v3'] }), { code: 'INVALID_IMAGE', message });
      assert.deepEqual(await refusedAs({ tags: ['127.0.0.1:5000/berth/other:build-4'] }), { code: 'INVALID_IMAGE', message });
      assert.deepEqual(await refusedAs({ tags: [], repoDigests: ['berth/other@sha256:' + 'a'.repeat(64)] }), { code: 'INVALID_IMAGE', message });
      assert.deepEqual(lines, [], 'refused before anything is logged or tagged');
      assert.equal(store.releases.list('shop').length, 0);
      for (const tags of [['berth/shop:v1'], ['berth/node:22.11.0'], ['x/berth/other:v1'], []]) {
        engine.images.set('img:ok', { id: 'sha256:ok', exposedPort: null, hasCommand: true, tags });
        const r = await maker().fromImage(build('image', 'img:ok'), log);
        assert.equal(r.image, `berth/shop:v${r.version}`, JSON.stringify(tags));
      }
    });
  });

  describe('fromBuild', () => {
    /** What the builder answers, and the build image it left on the host. */
    const built = (port: number | null) => {
      engine.images.set('berth/shop:build-7', { id: 'sha256:b', exposedPort: port, hasCommand: true });
      return { image: 'berth/shop:build-7', exposedPort: port, processes: { web: 'npm start', worker: 'node w.js' }, appJson: '{"a":1}', manifest: EMPTY_MANIFEST, detectedPorts: ['http:3000:3000'] };
    };

    it('a push: the commit, "push <short sha>", the built processes and port; the build tag is removed', async () => {
      engine.images.set('berth/shop:build-7', { id: 'sha256:b', exposedPort: 3000, hasCommand: true });
      const r = await maker().fromBuild(build('push', '0123456789abcdef'), built(3000));
      assert.deepEqual([r.version, r.image, r.gitSha, r.description, r.port, r.processes, r.appJson, r.detectedPorts],
        [1, 'berth/shop:v1', '0123456789abcdef', 'push 0123456', 3000, { web: 'npm start', worker: 'node w.js' }, '{"a":1}', ['http:3000:3000']]);
      assert.deepEqual(engine.calls, ['tag berth/shop:build-7 berth/shop:v1', 'rm berth/shop:build-7']);
    });

    it('a rebuild keeps its commit; an archive has none; no EXPOSE means 5000', async () => {
      const rb = await maker().fromBuild(build('rebuild', 'fedcba9876543'), built(null));
      assert.deepEqual([rb.gitSha, rb.description, rb.port], ['fedcba9876543', 'rebuild fedcba9', 5000]);
      const ar = await maker().fromBuild(build('archive', 'archive upload'), built(4000));
      assert.deepEqual([ar.version, ar.gitSha, ar.description, ar.port], [2, null, 'archive deploy', 4000]);
    });

    it('a failed removal of the build tag does not fail the release', async () => {
      engine.removeFails = true;
      const r = await maker().fromBuild(build('push', 'abcdef1234567'), built(3000));
      assert.equal(r.version, 1);
      assert.deepEqual(engine.calls, ['tag berth/shop:build-7 berth/shop:v1', 'rm berth/shop:build-7']);
    });

    it('releases the app\'s config as it is now', async () => {
      store.config.apply('shop', { A: '1' }, []);
      const r = await maker().fromBuild(build('push', 'abcdef1234567'), built(3000));
      assert.deepEqual(r.config, { A: '1' });
    });
  });

  describe('fromExisting', () => {
    it('config: the current release again with the new config, described by the build', async () => {
      release(1, { image: 'berth/shop:v1' });
      store.releases.setCurrent('shop', 1);
      engine.images.set('berth/shop:v1', { id: 'sha256:1', exposedPort: null, hasCommand: true });
      store.config.apply('shop', { B: '2' }, []);
      const r = await maker().fromExisting(build('config', 'set B'), 'config');
      assert.deepEqual([r.version, r.image, r.description, r.config, r.port], [2, 'berth/shop:v2', 'set B', { B: '2' }, 5000]);
      assert.deepEqual(engine.calls, ['tag berth/shop:v1 berth/shop:v2'], 'the old release image is kept');
      const unnamed = await maker().fromExisting(build('config', ''), 'config');
      assert.equal(unnamed.description, 'config change');
    });

    it('config with no current release: NO_RELEASE', async () => {
      release(1);
      assert.equal((await rejected(maker().fromExisting(build('config', 'x'), 'config'))).code, 'NO_RELEASE');
    });

    it('rollback: the old release\'s image and config as the next version', async () => {
      store.releases.create({ app: 'shop', image: 'berth/shop:v1', gitSha: 'aaa', config: { OLD: 'yes' }, processes: { web: 'a' }, port: 4000, appJson: null, manifest: EMPTY_MANIFEST, detectedPorts: null, description: 'v1', user: null });
      release(2);
      store.releases.setCurrent('shop', 2);
      store.config.apply('shop', { NEW: 'yes' }, []);
      engine.images.set('berth/shop:v1', { id: 'sha256:1', exposedPort: null, hasCommand: true });
      for (const source of ['v1', '1']) {
        const r = await maker().fromExisting(build('rollback', source), 'rollback');
        assert.deepEqual([r.image, r.config, r.gitSha, r.port, r.processes, r.description], [`berth/shop:v${r.version}`, { OLD: 'yes' }, 'aaa', 4000, { web: 'a' }, 'rollback to v1']);
      }
    });

    it('the deploy watch\'s rollback (whileCurrent) refuses once another release went live, and makes nothing', async () => {
      release(1);
      release(2);
      release(3);
      store.releases.setCurrent('shop', 3);
      engine.images.set('berth/shop:v1', { id: 'sha256:1', exposedPort: null, hasCommand: true });
      assert.deepEqual(await rejected(maker().fromExisting(build('rollback', 'v1'), 'rollback', 2)),
        { code: 'ROLLBACK_SUPERSEDED', message: 'The automatic rollback was for v2, but v3 is live now; nothing was rolled back.' });
      assert.equal(store.releases.list('shop').length, 3);
      const r = await maker().fromExisting(build('rollback', 'v1'), 'rollback', 3);
      assert.equal(r.description, 'rollback to v1');
    });

    it('rollback to a release that does not exist, or whose image was pruned: RELEASE_NOT_FOUND saying which', async () => {
      release(1);
      assert.deepEqual(await rejected(maker().fromExisting(build('rollback', 'v7'), 'rollback')),
        { code: 'RELEASE_NOT_FOUND', message: 'shop has no release v7; `berth releases shop` lists them.' });
      assert.deepEqual(await rejected(maker().fromExisting(build('rollback', 'v1'), 'rollback')),
        { code: 'RELEASE_NOT_FOUND', message: 'The image of v1 was pruned (BERTH_KEEP_IMAGES); roll back to a newer release.' });
      assert.equal(store.releases.list('shop').length, 1);
    });
  });

  it('discard: the release row goes, and its vN tag when it is berth\'s', async () => {
    const r = release(1);
    release(2);
    assert.equal(await maker().discard(r), 'deleted release v1 and its image tag berth/shop:v1');
    assert.deepEqual(store.releases.list('shop').map((x) => x.version), [2]);
    assert.deepEqual(engine.calls, ['rm berth/shop:v1']);
    const outside = release(3, { image: 'nginx:1.27' });
    assert.equal(await maker().discard(outside), 'deleted release v3');
    assert.deepEqual(engine.calls, ['rm berth/shop:v1'], 'an image from outside is not removed');
    assert.deepEqual(store.releases.list('shop').map((x) => x.version), [2]);
  });

  it('buildArgsOf: the config vars BERTH_BUILD_ARGS names (comma-separated, spaces trimmed) that are set', () => {
    assert.deepEqual(maker().buildArgsOf('shop'), {});
    store.config.apply('shop', { BERTH_BUILD_ARGS: ' NPM_TOKEN , MODE,,UNSET', NPM_TOKEN: 't', MODE: 'prod', OTHER: 'x' }, []);
    assert.deepEqual(maker().buildArgsOf('shop'), { NPM_TOKEN: 't', MODE: 'prod' });
  });

  describe('pruneImages', () => {
    it('removes the app\'s release images beyond the newest keepImages, never the current one, and tells the registry what it keeps', async () => {
      for (let v = 1; v <= 5; v++) release(v);
      store.releases.setCurrent('shop', 2);
      await maker({ keepImages: 2 }).pruneImages('shop');
      assert.deepEqual(engine.calls, ['rm berth/shop:v3', 'rm berth/shop:v1']);
      assert.deepEqual(pruned, [['shop', ['v5', 'v4', 'v2']]]);
    });

    it('keeps an image a kept release shares, and images from outside berth/<app>', async () => {
      release(1, { image: 'nginx:1.27' });
      release(2, { image: 'berth/shop:v2' });
      release(3, { image: 'berth/shop:v2' });
      release(4);
      store.releases.setCurrent('shop', 4);
      await maker({ keepImages: 2 }).pruneImages('shop');
      assert.deepEqual(engine.calls, [], 'v2 is v3\'s image; nginx:1.27 is not berth\'s');
      assert.deepEqual(pruned, [['shop', ['v4', 'v3']]]);
    });

    it('with no current release and keepImages 1, only the newest is kept; no registry: nothing more', async () => {
      release(1);
      release(2);
      await maker({ keepImages: 1, registry: false }).pruneImages('shop');
      assert.deepEqual(engine.calls, ['rm berth/shop:v1']);
      assert.deepEqual(pruned, []);
    });

    it('a failed removal still prunes the registry, and the error is the caller\'s', async () => {
      release(1);
      release(2);
      release(3);
      engine.removeFails = true;
      await assert.rejects(maker({ keepImages: 2 }).pruneImages('shop'), /conflict: berth\/shop:v1 is in use/);
      assert.deepEqual(pruned, [['shop', ['v3', 'v2']]]);
    });
  });
});
