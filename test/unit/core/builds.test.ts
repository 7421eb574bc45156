import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BuildRunner } from '../../../app/builds/build-runner';
import { BuildsService } from '../../../app/builds/builds-service';
import { ReleaseMaker } from '../../../app/builds/release-maker';
import { ReleaseProducer } from '../../../app/builds/release-producer';
import { ReleasePipeline, SchedulerRegistry } from '../../../app/deploys';
import { ConfigVarsService } from '../../../app/config-vars';
import { EventsService } from '../../../app/events';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { EMPTY_MANIFEST } from '../../../app/manifest/manifest';
import { ReleasesService } from '../../../app/releases/releases-service';
import { InMemoryBuildQueue } from '../../support/fakes/build-queue';
import { InMemoryImages } from '../../support/fakes/images';
import { InMemoryLogBus } from '../../support/fakes/log-bus';
import { waitFor } from '../../support/poll';
import type { BuildJob } from '../../../app/ports/build-queue';
import type { BuildRecord, ReleaseRecord, Store } from '../../../app/ports/store';
import { readersOf, ownersOf } from '../../support/store-readers';

const rejected = async (p: Promise<unknown>): Promise<{ code: string; message: string }> => {
  try { await p; } catch (e) { return { code: (e as { code: string }).code, message: (e as Error).message }; }
  return { code: 'none', message: '' };
};

describe('builds and releases (real SQLite store, fake engine, queue and deployer)', () => {
  let dir: string;
  let store: Store;
  let engine: InMemoryImages;
  let queue: InMemoryBuildQueue;
  let logs: InMemoryLogBus;
  let events: EventsService;
  let builds: BuildsService;
  let maker: ReleaseMaker;
  let releases: ReleasesService;
  let deployed: ReleaseRecord[];
  let deployError: Error | null;
  let refs: Map<string, string | null>;
  let pruned: Array<[string, readonly string[]]>;
  let runner: BuildRunner;
  let hooks: string[];

  const logOf = (id: number) => logs.lines.get(id) ?? [];
  /** A scheduler whose start "deploys" (logs, may wait on the signal, may fail); the other steps succeed. */
  const fakeScheduler = (o: { deployMs?: number; start?: (r: ReleaseRecord, signal: AbortSignal) => Promise<void> }) => ({
    name: 'docker-local',
    start: async (r: ReleaseRecord, ctx: { log: (l: string) => void; signal: AbortSignal }) => {
      ctx.log(`deploying v${r.version}`);
      if (o.start) await o.start(r, ctx.signal);
      // A slow deploy that, like the real one, stops when its signal aborts.
      if (o.deployMs) {
        await new Promise<void>((done, fail) => {
          const t = setTimeout(done, o.deployMs);
          ctx.signal.addEventListener('abort', () => { clearTimeout(t); fail(new Error('deploy aborted')); }, { once: true });
        });
      }
      if (deployError) throw deployError;
      deployed.push(r);
      return { release: r, made: 'nothing' };
    },
    unstart: async () => 'removed nothing',
    checkHealth: async () => undefined, switchTo: async () => undefined, retireOld: async () => undefined,
    route: async () => undefined, runReleaseCommand: async () => undefined,
  });
  const makeRunner = (o: { timeoutSeconds?: number; operations?: boolean; hooks?: boolean; deployMs?: number; start?: (r: ReleaseRecord, signal: AbortSignal) => Promise<void> } = {}) => {
    // The branch is where the last deployed push left it, unless a test moved it.
    const repos = { resolveRef: async (app: string, ref: string) => (refs.has(`${app} ${ref}`) ? refs.get(`${app} ${ref}`)! : store.releases.current(app)?.gitSha ?? null) };
    const builder = { build: async (_app: unknown, b: { tag: string; log: (l: string) => void; config: Record<string, string> }) => {
      b.log(`building with ${b.config.SECRET ?? 'no secret'}`);
      engine.images.set(b.tag, { id: 'sha256:built', exposedPort: 3000, hasCommand: true });
      return { image: b.tag, exposedPort: 3000, processes: { web: 'node server.js' }, appJson: null, manifest: EMPTY_MANIFEST };
    } };
    const scheduler = fakeScheduler(o);
    const pipeline = new ReleasePipeline({
      producer: new ReleaseProducer({ ...ownersOf(store), engine: engine as never, repos: repos as never, builder: builder as never, releases: maker }),
      schedulers: new SchedulerRegistry({ schedulers: [scheduler as never], settings: store.schedulers, defaultScheduler: 'docker-local' }),
      hooks: { run: async () => undefined },
      currentRelease: (app) => store.releases.current(app),
      ...(o.hooks === false ? {} : { predeploy: async (r: ReleaseRecord) => { hooks.push(`before v${r.version}`); } }),
    });
    return new BuildRunner({
      ...ownersOf(store), store, repos, logs, events, releases: maker, buildLogsDir: path.join(dir, 'logs'), timeoutSeconds: o.timeoutSeconds ?? 60,
      urlOf: (app) => `http://${app}.test`, pipeline,
      ...(o.hooks === false ? {} : { afterDeploy: async (r: ReleaseRecord) => { hooks.push(`after v${r.version}`); } }),
      ...(o.operations ? { operations: { handles: (k: string) => k === 'scale', run: async (_b: BuildRecord, c: { log: (l: string) => void }) => { c.log('scaled'); } } } : {}),
    });
  };
  const signal = () => ({ signal: new AbortController().signal });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-builds-'));
    store = openSqliteStore(path.join(dir, 'berth.db'));
    store.apps.insert('shop');
    engine = new InMemoryImages();
    queue = new InMemoryBuildQueue();
    logs = new InMemoryLogBus();
    events = new EventsService(store.events);
    builds = new BuildsService({ ...ownersOf(store), store, queue, logs, events, buildLogsDir: path.join(dir, 'logs') });
    pruned = [];
    maker = new ReleaseMaker({ ...ownersOf(store), engine: engine as never, keepImages: 2, pruneRegistry: async (app, keep) => { pruned.push([app, keep]); } });
    releases = new ReleasesService({ store, builds, events, configVars: new ConfigVarsService({ store, apps: readersOf(store).apps, events }) });
    deployed = [];
    deployError = null;
    refs = new Map();
    hooks = [];
    runner = makeRunner();
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Enqueues a push build with a snapshot file and runs it. */
  async function push(sha = 'abcdef1234567'): Promise<BuildRecord> {
    const snapshot = path.join(dir, `snap-${sha}.tar`);
    fs.writeFileSync(snapshot, 'tar');
    const old = store.releases.current('shop')?.gitSha ?? '0'.repeat(40);
    const { build } = await builds.enqueue({ app: 'shop', kind: 'push', source: sha, snapshotPath: snapshot, user: 'dana', ref: 'refs/heads/main', expectedOldSha: old });
    await runner.handle(queue.jobs.at(-1)!, signal());
    return store.builds.getById(build.id)!;
  }

  it('enqueue: the build row, the event, the job with every field, and the position', async () => {
    // Two builds of shop already queued (the fake's worker is not started: they wait).
    for (const buildId of [9001, 9002]) await queue.enqueue({ buildId, app: 'shop', kind: 'config' });
    const r = await builds.enqueue({ app: 'shop', kind: 'push', source: 'abc1234', user: 'dana', ref: 'refs/heads/main', expectedOldSha: 'f'.repeat(40) });
    assert.equal(r.ahead, 2);
    assert.equal(r.build.status, 'queued');
    assert.deepEqual(queue.jobs.slice(2), [{ buildId: r.build.id, app: 'shop', kind: 'push', ref: 'refs/heads/main', expectedOldSha: 'f'.repeat(40) }]);
    assert.deepEqual(events.list({ app: 'shop', limit: 5 }).map((e) => [e.kind, e.message, e.user]), [['build.queued', `build ${r.build.id} queued (push abc1234)`, 'dana']]);
    assert.deepEqual(await rejected(builds.enqueue({ app: 'nope', kind: 'push', source: 'x', user: null })),
      { code: 'APP_NOT_FOUND', message: 'App "nope" does not exist; `berth apps:list` shows your apps.' });
  });

  it('a push builds, tags v1 (removing the build tag), deploys, becomes current, and logs with secrets hidden', async () => {
    store.config.apply('shop', { SECRET: 'hunter22' }, []);
    const b = await push();
    assert.equal(b.status, 'succeeded');
    assert.equal(b.releaseVersion, 1);
    assert.deepEqual(engine.calls, [`tag berth/shop:build-${b.id} berth/shop:v1`, `rm berth/shop:build-${b.id}`]);
    const current = store.releases.current('shop')!;
    assert.deepEqual([current.version, current.image, current.port, current.gitSha, current.description, current.user],
      [1, 'berth/shop:v1', 3000, 'abcdef1234567', 'push abcdef1', 'dana']);
    assert.deepEqual(current.config, { SECRET: 'hunter22' });
    assert.deepEqual(hooks, ['before v1', 'after v1']);
    const log = logOf(b.id);
    assert.deepEqual(log, ['-----> Building shop (abcdef1)', 'building with *****', '-----> Releasing v1', 'deploying v1', '=====> Deployed http://shop.test (v1)']);
    assert.equal(logs.ends.get(b.id), 'succeeded');
    assert.deepEqual(builds.storedLog(b), log);
    // Removed in the background (fs.rm without waiting): poll for it.
    await waitFor('the snapshot to be removed', () => !fs.existsSync(path.join(dir, 'snap-abcdef1234567.tar')), 5_000);
    assert.deepEqual(events.list({ app: 'shop', limit: 1 }).map((e) => [e.kind, e.message, e.user]), [['deploy.succeeded', 'deployed v1 (push abcdef1)', 'dana']]);
  });

  it('a failed deploy discards its release: the previous one stays current', async () => {
    await push('1111111aaaa');
    deployError = new Error('health check failed');
    const b = await push('2222222bbbb');
    assert.equal(b.status, 'failed');
    assert.equal(b.error, 'INTERNAL: health check failed');
    assert.deepEqual(store.releases.list('shop').map((r) => r.version), [1]);
    assert.equal(store.releases.current('shop')!.version, 1);
    assert.equal(logOf(b.id).at(-1), '!     health check failed');
    assert.equal(logs.ends.get(b.id), 'failed');
    assert.equal(events.list({ app: 'shop', limit: 1 })[0].kind, 'build.failed');
  });

  it('a push whose branch moved meanwhile is superseded and builds nothing', async () => {
    const { build } = await builds.enqueue({ app: 'shop', kind: 'push', source: 'bbb', snapshotPath: null, user: null, ref: 'refs/heads/main', expectedOldSha: 'a'.repeat(40) });
    refs.set('shop refs/heads/main', 'c'.repeat(40));
    await runner.handle(queue.jobs.at(-1)!, signal());
    const b = store.builds.getById(build.id)!;
    assert.equal(b.status, 'failed');
    assert.match(b.error!, /^PUSH_SUPERSEDED: Another push updated the branch/);
    assert.deepEqual(engine.calls, []);
  });

  it('builds that are not queued are left alone; one left running by a dead worker fails as stopped', async () => {
    const b1 = await push();
    const callsBefore = engine.calls.length;
    await runner.handle({ buildId: b1.id, app: 'shop', kind: 'push' }, signal());
    assert.equal(engine.calls.length, callsBefore, 'a finished build does not run again');
    await runner.handle({ buildId: 9999, app: 'shop', kind: 'push' }, signal());
    const { build } = await builds.enqueue({ app: 'shop', kind: 'config', source: 'x', user: null });
    store.builds.markRunning(build.id);
    await runner.handle(queue.jobs.at(-1)!, signal());
    const b = store.builds.getById(build.id)!;
    assert.equal(b.status, 'failed');
    assert.equal(b.error, 'BUILD_FAILED: berth stopped during this build; push again.');
  });

  it('a build cancelled before it started, and one without a snapshot', async () => {
    const { build } = await builds.enqueue({ app: 'shop', kind: 'push', source: 'abc', user: null });
    const ac = new AbortController();
    ac.abort();
    await runner.handle(queue.jobs.at(-1)!, { signal: ac.signal });
    assert.deepEqual([store.builds.getById(build.id)!.status, store.builds.getById(build.id)!.error], ['cancelled', 'Build cancelled before it started.']);
    const second = await builds.enqueue({ app: 'shop', kind: 'archive', source: '', user: null });
    await runner.handle(queue.jobs.at(-1)!, signal());
    assert.equal(store.builds.getById(second.build.id)!.error, 'BUILD_FAILED: The build has no source snapshot.');
  });

  it('a build cancelled while it runs ends cancelled; one past the timeout fails with BUILD_TIMEOUT', async () => {
    const ac = new AbortController();
    deployError = null;
    const r = makeRunner({ timeoutSeconds: 0.05, start: (_r, sig) => new Promise((_res, rej) => sig.addEventListener('abort', () => rej(new Error('aborted')))) });
    const { build } = await builds.enqueue({ app: 'shop', kind: 'push', source: 'abc', snapshotPath: path.join(dir, 'x.tar'), user: null });
    await r.handle(queue.jobs.at(-1)!, signal());
    assert.deepEqual([store.builds.getById(build.id)!.status, store.builds.getById(build.id)!.error],
      ['failed', 'BUILD_TIMEOUT: The build ran longer than 0.05 s (BERTH_BUILD_TIMEOUT) and was stopped.']);
    const second = await builds.enqueue({ app: 'shop', kind: 'push', source: 'abd', snapshotPath: path.join(dir, 'y.tar'), user: null });
    const cancelling = makeRunner({ start: async () => { ac.abort(); throw new Error('aborted'); } });
    await cancelling.handle(queue.jobs.at(-1)!, { signal: ac.signal });
    assert.deepEqual([store.builds.getById(second.build.id)!.status, store.builds.getById(second.build.id)!.error], ['cancelled', 'Build cancelled.']);
    assert.deepEqual(events.list({ app: 'shop', limit: 1 }).map((e) => [e.kind, e.message]), [['build.cancelled', `build ${second.build.id} cancelled`]]);
    assert.equal(logOf(second.build.id).at(-1), '!     Build cancelled.');
  });

  it('a deploy slower than a fraction of BERTH_BUILD_TIMEOUT succeeds, with no deploy hooks configured', async () => {
    // 1 s is the limit: a runner that read it as milliseconds would stop this 150 ms deploy.
    const plain = makeRunner({ timeoutSeconds: 1, hooks: false, deployMs: 150 });
    const { build } = await builds.enqueue({ app: 'shop', kind: 'archive', source: '', snapshotPath: path.join(dir, 'a.tar'), user: null });
    await plain.handle(queue.jobs.at(-1)!, signal());
    const b = store.builds.getById(build.id)!;
    assert.deepEqual([b.status, b.error], ['succeeded', null]);
    assert.deepEqual(hooks, []);
    const r = store.releases.current('shop')!;
    assert.deepEqual([r.description, r.gitSha], ['archive deploy', null]);
    assert.equal(logOf(build.id)[0], '-----> Building shop (archive)');
  });

  it('a config build before any release fails with NO_RELEASE, recorded; a rebuild keeps the commit it rebuilds', async () => {
    const config = await builds.enqueue({ app: 'shop', kind: 'config', source: '', user: null });
    await runner.handle(queue.jobs.at(-1)!, signal());
    assert.equal(store.builds.getById(config.build.id)!.error, 'NO_RELEASE: The app has not been deployed yet; push it first.');
    assert.deepEqual(events.list({ app: 'shop', limit: 1 }).map((e) => [e.kind, e.message]),
      [['build.failed', `build ${config.build.id} failed: The app has not been deployed yet; push it first.`]]);
    const snap = path.join(dir, 'rb.tar');
    fs.writeFileSync(snap, 'x');
    const rebuilt = await builds.enqueue({ app: 'shop', kind: 'rebuild', source: '9876543210fed', snapshotPath: snap, user: null });
    await runner.handle(queue.jobs.at(-1)!, signal());
    const r = store.releases.current('shop')!;
    assert.deepEqual([r.description, r.gitSha], ['rebuild 9876543', '9876543210fed']);
    assert.equal(logOf(rebuilt.build.id)[0], '-----> Building shop (9876543)');
    const cfg = await builds.enqueue({ app: 'shop', kind: 'config', source: '', user: null });
    await runner.handle(queue.jobs.at(-1)!, signal());
    assert.equal(store.releases.current('shop')!.description, 'config change', 'an empty reason reads "config change"');
    assert.equal(store.builds.getById(cfg.build.id)!.status, 'succeeded');
  });

  it('operations (ps:scale and friends) run in the app\'s turn and make no release', async () => {
    const ops = makeRunner({ operations: true });
    const { build } = await builds.enqueue({ app: 'shop', kind: 'scale' as never, source: 'web=2', user: null });
    await ops.handle(queue.jobs.at(-1)!, signal());
    assert.equal(store.builds.getById(build.id)!.status, 'succeeded');
    assert.deepEqual(logOf(build.id), ['scaled', '=====> Done']);
    assert.deepEqual(store.releases.list('shop'), []);
  });

  it('an image deploy: the image must exist and have a command; the release takes its port (5000 when it exposes none)', async () => {
    engine.images.set('acme/web:1', { id: 'sha256:1', exposedPort: 8080, hasCommand: true });
    engine.images.set('acme/bare:1', { id: 'sha256:2', exposedPort: null, hasCommand: false });
    engine.images.set('acme/noport:1', { id: 'sha256:3', exposedPort: null, hasCommand: true });
    const run = async (image: string) => {
      const { build } = await builds.enqueue({ app: 'shop', kind: 'image', source: image, user: null });
      await runner.handle(queue.jobs.at(-1)!, signal());
      return store.builds.getById(build.id)!;
    };
    assert.equal((await run('acme/missing:1')).error, 'INVALID_IMAGE: Image "acme/missing:1" is not on this host: build it or `docker load` it first (no registry is reachable).');
    assert.equal((await run('acme/bare:1')).error, 'INVALID_IMAGE: Image "acme/bare:1" has no CMD or ENTRYPOINT to run.');
    const ok = await run('acme/web:1');
    assert.equal(ok.status, 'succeeded');
    assert.ok(logOf(ok.id).includes('-----> Deploying image acme/web:1'));
    const r = store.releases.current('shop')!;
    assert.deepEqual([r.port, r.gitSha, r.description, r.processes], [8080, null, 'image acme/web:1', { web: '' }]);
    assert.equal((await run('acme/noport:1')).status, 'succeeded');
    assert.equal(store.releases.current('shop')!.port, 5000);
    assert.ok(!engine.calls.includes('rm acme/web:1'), 'a deployed image is tagged, never removed');
  });

  it('config change and rollback through ReleasesService: a new version each, rollback with the old config', async () => {
    assert.deepEqual(await rejected(releases.redeploy('shop', 'x', null)), { code: 'NO_RELEASE', message: 'shop has not been deployed yet; push it first.' });
    assert.deepEqual(await rejected(releases.rollback('shop', undefined, null)), { code: 'NO_RELEASE', message: 'shop has not been deployed yet; push it first.' });
    const unchangedUndeployed = await releases.changeConfig('shop', { set: { A: '1' }, unset: [] }, { restart: true, user: 'dana' });
    assert.deepEqual([unchangedUndeployed.changed, unchangedUndeployed.build], [true, null], 'not deployed: stored, no build');
    await push();
    assert.deepEqual(await rejected(releases.rollback('shop', undefined, null)), { code: 'RELEASE_NOT_FOUND', message: 'shop has no release before v1 to roll back to.' });
    const change = await releases.changeConfig('shop', { set: { A: '2' }, unset: [] }, { restart: true, user: 'dana' });
    assert.equal(change.changed, true);
    assert.equal(queue.jobs.at(-1)!.kind, 'config');
    await runner.handle(queue.jobs.at(-1)!, signal());
    const v2 = store.releases.current('shop')!;
    assert.deepEqual([v2.version, v2.description, v2.config, v2.image], [2, 'config change', { A: '2' }, 'berth/shop:v2']);
    const same = await releases.changeConfig('shop', { set: { A: '2' }, unset: [] }, { restart: true, user: null });
    assert.deepEqual(same.build, null, 'nothing changed: no build');
    const noRestart = await releases.changeConfig('shop', { set: { B: '1' }, unset: [] }, { restart: false, user: null });
    assert.equal(noRestart.build, null, 'restart false: no build');
    assert.deepEqual(releases.list('shop').map((r) => [r.version, r.current]), [[2, true], [1, false]]);

    await releases.rollback('shop', undefined, 'dana');
    assert.equal(queue.jobs.at(-1)!.kind, 'rollback');
    await runner.handle(queue.jobs.at(-1)!, signal());
    const v3 = store.releases.current('shop')!;
    assert.deepEqual([v3.version, v3.description, v3.config, v3.gitSha], [3, 'rollback to v1', { A: '1' }, 'abcdef1234567']);
    assert.deepEqual(await rejected(releases.rollback('shop', 9, null)), { code: 'RELEASE_NOT_FOUND', message: 'shop has no release v9; `berth releases shop` lists them.' });
    await releases.rollback('shop', 2, null);
    engine.images.delete('berth/shop:v2');
    const { id } = store.builds.list('shop', 1)[0];
    await runner.handle(queue.jobs.at(-1)!, signal());
    assert.equal(store.builds.getById(id)!.error, 'RELEASE_NOT_FOUND: The image of v2 was pruned (BERTH_KEEP_IMAGES); roll back to a newer release.');
  });

  it('pruning keeps the newest BERTH_KEEP_IMAGES release images and the current one, in the registry too', async () => {
    for (const sha of ['1111111a', '2222222b', '3333333c', '4444444d']) await push(sha);
    assert.ok(engine.calls.includes('rm berth/shop:v1'));
    assert.ok(engine.calls.includes('rm berth/shop:v2'));
    assert.ok(!engine.calls.includes('rm berth/shop:v3') && !engine.calls.includes('rm berth/shop:v4'));
    assert.deepEqual(pruned.at(-1), ['shop', ['v4', 'v3']]);
  });

  it('BERTH_BUILD_ARGS passes the named config vars (present ones only) to the build', () => {
    store.config.apply('shop', { BERTH_BUILD_ARGS: ' NPM_TOKEN , MISSING,,NODE_ENV', NPM_TOKEN: 't0k', NODE_ENV: 'production', OTHER: 'x' }, []);
    assert.deepEqual(maker.buildArgsOf('shop'), { NPM_TOKEN: 't0k', NODE_ENV: 'production' });
    store.config.apply('shop', {}, ['BERTH_BUILD_ARGS']);
    assert.deepEqual(maker.buildArgsOf('shop'), {});
  });

  it('builds service: get, list, cancel, follow, and recovery after a crash', async () => {
    assert.deepEqual(await rejected(Promise.resolve().then(() => builds.get('shop'))), { code: 'BUILD_NOT_FOUND', message: 'shop has no builds yet; `berth builds:list shop` shows them.' });
    assert.deepEqual(await rejected(builds.cancel('shop')), { code: 'NO_BUILD_RUNNING', message: 'shop has no running or queued build.' });
    assert.deepEqual(await rejected(builds.cancel('nope')), { code: 'APP_NOT_FOUND', message: 'App "nope" does not exist; `berth apps:list` shows your apps.' });
    const done = await push();
    assert.equal(builds.get('shop').id, done.id);
    assert.equal(builds.get('shop', done.id).id, done.id);
    assert.deepEqual(await rejected(Promise.resolve().then(() => builds.get('shop', 999))), { code: 'BUILD_NOT_FOUND', message: 'shop has no build 999; `berth builds:list shop` shows them.' });
    const seen: string[] = [];
    assert.equal((await builds.follow(done, (l) => seen.push(l))).status, 'succeeded');
    assert.deepEqual(seen, builds.storedLog(done), 'a finished build is replayed from its file');

    const q1 = (await builds.enqueue({ app: 'shop', kind: 'config', source: 'a', user: null })).build;
    const q2 = (await builds.enqueue({ app: 'shop', kind: 'config', source: 'b', user: null })).build;
    assert.equal((await builds.cancel('shop')).id, q1.id, 'the oldest queued one');
    store.builds.markRunning(q2.id);
    assert.equal((await builds.cancel('shop')).id, q2.id, 'the running one first');
    assert.deepEqual(queue.cancelled, [q1.id, q2.id]);
    assert.deepEqual(builds.list('shop').map((b) => b.id), [q2.id, q1.id, done.id]);

    // A dead worker left q2 running with a half-made v2.
    store.releases.create({ ...store.releases.current('shop')!, description: 'half-made' });
    const snap = path.join(dir, 'left.tar');
    fs.writeFileSync(snap, 'x');
    assert.equal(await builds.recoverAfterCrash(), 1);
    assert.deepEqual([store.builds.getById(q2.id)!.status, store.builds.getById(q2.id)!.error], ['failed', 'BUILD_FAILED: berth stopped during this build; push again.']);
    assert.equal(logs.ends.get(q2.id), 'failed');
    assert.deepEqual(store.releases.list('shop').map((r) => r.version), [1], 'the half-made release is gone');
    assert.deepEqual(queue.released, ['shop']);
    assert.deepEqual(queue.pruned.sort(), [done.id, q2.id].sort(), 'finished builds are dropped from the queue order; the queued one stays');
    assert.equal(builds.isDone(store.builds.getById(q1.id)!), false);
  });
});
