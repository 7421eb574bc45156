import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ReleaseMaker } from '../../../app/builds/release-maker';
import { ReleaseProducer } from '../../../app/builds/release-producer';
import { ReleasePipeline, SchedulerRegistry, type ReleaseRun, type StartedRelease, type StepContext } from '../../../app/deploys';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { EMPTY_MANIFEST } from '../../../app/manifest/manifest';
import { InMemoryImages } from '../../support/fakes/images';
import type { BuildRecord, ReleaseRecord, Store } from '../../../app/ports/store';
import { ownersOf } from '../../support/store-readers';

/** Where a failure is injected: a step of the pipeline, or going live inside `route`. */
type FailAt = 'hook build:before' | 'build' | 'hook build:after' | 'release' | 'hook deploy:before' | 'predeploy' | 'start' | 'health' | 'route' | 'go-live';

class Injected extends Error {
  constructor(at: string) { super(`injected failure at ${at}`); }
}

interface FakeStarted extends StartedRelease { readonly ids: string[] }

/**
 * A scheduler over a fake host: containers (id → release version) and the router (app → the
 * release version its upstreams belong to). Its own partial work on a failing start is its own.
 */
class FakeScheduler {
  readonly name = 'docker-local' as const;
  readonly containers = new Map<string, number>();
  readonly routes = new Map<string, number | null>();
  private next = 1;
  failAt: FailAt | null = null;

  constructor(private readonly store: Store) {}

  private fail(at: FailAt): void { if (this.failAt === at) throw new Injected(at); }

  async start(release: ReleaseRecord, ctx: StepContext): Promise<FakeStarted> {
    const ids = [`c${this.next++}`, `c${this.next++}`];
    for (const id of ids) this.containers.set(id, release.version);
    ctx.log(`-----> Starting 2 web containers of v${release.version}`);
    if (this.failAt === 'start') {
      for (const id of ids) this.containers.delete(id);
      throw new Injected('start');
    }
    return { release, ids, made: '2 containers' };
  }
  async unstart(s: FakeStarted) { for (const id of s.ids) this.containers.delete(id); return `removed ${s.ids.length} containers`; }
  async checkHealth() { this.fail('health'); }
  async switchTo(s: FakeStarted) { this.fail('route'); this.routes.set(s.release.app, s.release.version); }
  async retireOld(s: FakeStarted) { for (const [id, v] of this.containers) if (!s.ids.includes(id)) this.containers.delete(id); }
  async route(app: string) { this.routes.set(app, this.store.releases.current(app)?.version ?? null); }
  async runReleaseCommand() { this.fail('predeploy'); }
  async retire() { /* one scheduler: never asked */ }
}

describe('the release pipeline: a failure at each step leaves exactly the previous release serving', () => {
  let dir: string;
  let store: Store;
  let engine: InMemoryImages;
  let scheduler: FakeScheduler;
  let pipeline: ReleasePipeline;
  let failAt: FailAt | null;
  let ran: string[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pipeline-'));
    store = openSqliteStore(path.join(dir, 'berth.db'));
    store.apps.insert('shop');
    engine = new InMemoryImages();
    scheduler = new FakeScheduler(store);
    failAt = null;
    ran = [];
    const builder = {
      build: async (_app: unknown, b: { tag: string }) => {
        if (failAt === 'build') throw new Injected('build');
        engine.images.set(b.tag, { id: `sha256:${b.tag}`, exposedPort: 5000, hasCommand: true });
        return { image: b.tag, exposedPort: 5000, processes: { web: 'serve', release: 'migrate' }, appJson: null, manifest: EMPTY_MANIFEST, detectedPorts: null };
      },
    };
    const releases = new ReleaseMaker({ ...ownersOf(store), engine: engine as never, keepImages: 5 });
    // The real ReleaseMaker, but its fromBuild can fail on demand.
    const maker = Object.assign(Object.create(releases) as ReleaseMaker, {
      fromBuild: async (...args: Parameters<ReleaseMaker['fromBuild']>) => {
        if (failAt === 'release') throw new Injected('release');
        return releases.fromBuild(...args);
      },
    });
    pipeline = new ReleasePipeline({
      producer: new ReleaseProducer({ ...ownersOf(store), engine: engine as never, repos: {} as never, builder: builder as never, releases: maker }),
      schedulers: new SchedulerRegistry({ schedulers: [scheduler as never], settings: store.schedulers, defaultScheduler: 'docker-local' }),
      hooks: {
        run: async (hook) => {
          ran.push(hook);
          if (failAt === `hook ${hook}`) throw new Injected(`hook ${hook}`);
        },
      },
      currentRelease: (app) => store.releases.current(app),
      predeploy: async (r) => { ran.push(`predeploy v${r.version}`); },
    });
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the pipeline for an archive build of shop; answers the log and the error, if any. */
  async function deploy(): Promise<{ log: string[]; error: string | null; build: BuildRecord }> {
    const build = store.builds.create({ app: 'shop', kind: 'archive', source: '', snapshotPath: path.join(dir, 'src.tar'), user: null });
    const log: string[] = [];
    scheduler.failAt = failAt;
    const run: ReleaseRun = {
      build, job: { buildId: build.id, app: 'shop', kind: 'archive' }, log: (l) => log.push(l),
      goLive: (r, alsoRecord) => store.transaction(() => {
        store.releases.setCurrent(r.app, r.version);
        alsoRecord();
        if (failAt === 'go-live') throw new Injected('go-live');
      }),
    };
    try {
      await pipeline.run(run as never);
      return { log, error: null, build };
    } catch (e) {
      return { log, error: (e as Error).message, build };
    }
  }

  /** What the fake host holds: the state that must be exactly v1's after a failed deploy of v2. */
  const state = () => ({
    releases: store.releases.list('shop').map((r) => r.version),
    current: store.releases.current('shop')?.version ?? null,
    runningOn: store.schedulers.get('shop').runningOn,
    containers: [...scheduler.containers.values()],
    route: scheduler.routes.get('shop') ?? null,
    images: [...engine.images.keys()].sort(),
  });
  const V1 = { releases: [1], current: 1, runningOn: 'docker-local', containers: [1, 1], route: 1, images: ['berth/shop:v1'] };

  beforeEach(async () => {
    const first = await deploy();
    assert.equal(first.error, null);
    assert.deepEqual(state(), V1);
    ran = [];
  });

  it('deploys v2 through every step in order when nothing fails', async () => {
    const { log, error } = await deploy();
    assert.equal(error, null);
    assert.deepEqual(ran, ['build:before', 'build:after', 'deploy:before', 'predeploy v2', 'deploy:after']);
    assert.deepEqual(log, ['-----> Building shop (archive)', '-----> Releasing v2', '-----> Starting 2 web containers of v2']);
    assert.deepEqual(state(), { releases: [2, 1], current: 2, runningOn: 'docker-local', containers: [2, 2], route: 2, images: ['berth/shop:v1', 'berth/shop:v2'] });
  });

  const cases: { at: FailAt; undo: string[] }[] = [
    { at: 'hook build:before', undo: [] },
    { at: 'build', undo: [] },
    { at: 'hook build:after', undo: ['-----> hook build:after failed: undoing build', '-----> undo: build — removed image berth/shop:build-2'] },
    { at: 'release', undo: ['-----> release failed: undoing build', '-----> undo: build — removed image berth/shop:build-2'] },
    ...(['hook deploy:before', 'predeploy'] as const).map((at) => ({ at, undo: [
      `-----> ${at} failed: undoing release, build`,
      '-----> undo: release — deleted release v2 and its image tag berth/shop:v2',
      '-----> undo: build — image berth/shop:build-2 is gone already',
    ] })),
    { at: 'start', undo: [
      '-----> start failed: undoing release, build',
      '-----> undo: release — deleted release v2 and its image tag berth/shop:v2',
      '-----> undo: build — image berth/shop:build-2 is gone already',
    ] },
    ...(['health', 'route'] as const).map((at) => ({ at, undo: [
      `-----> ${at} failed: undoing start, release, build`,
      '-----> undo: start — removed 2 containers',
      '-----> undo: release — deleted release v2 and its image tag berth/shop:v2',
      '-----> undo: build — image berth/shop:build-2 is gone already',
    ] })),
    { at: 'go-live', undo: [
      '-----> undo: route — the router points at v1 again',
      '-----> route failed: undoing start, release, build',
      '-----> undo: start — removed 2 containers',
      '-----> undo: release — deleted release v2 and its image tag berth/shop:v2',
      '-----> undo: build — image berth/shop:build-2 is gone already',
    ] },
  ];
  for (const c of cases) {
    it(`a failure at ${c.at} undoes what ran before it, in reverse, and v1 alone serves`, async () => {
      failAt = c.at;
      const { log, error } = await deploy();
      assert.equal(error, `injected failure at ${c.at}`);
      assert.deepEqual(log.filter((l) => /undo/.test(l)), c.undo);
      assert.deepEqual(state(), V1);
    });
  }

  it('after the switch nothing is undone: a failing deploy:after hook only warns and v2 serves', async () => {
    failAt = 'hook deploy:after' as FailAt;
    const { log, error } = await deploy();
    assert.equal(error, null);
    assert.equal(log.at(-1), '!     hook deploy:after failed after the new release went live (nothing is undone): injected failure at hook deploy:after');
    assert.deepEqual(state(), { releases: [2, 1], current: 2, runningOn: 'docker-local', containers: [2, 2], route: 2, images: ['berth/shop:v1', 'berth/shop:v2'] });
  });
});
