import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BuildRunner } from '../../../app/builds/build-runner';
import { BerthError } from '../../../app/errors';
import { EventsService } from '../../../app/events';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { EMPTY_MANIFEST } from '../../../app/manifest/manifest';
import { InMemoryLogBus } from '../../support/fakes/log-bus';
import type { ReleaseRun } from '../../../app/deploys';
import type { BuildRecord, ReleaseRecord, Store } from '../../../app/ports/store';
import { waitFor } from '../../support/poll';
import { ownersOf } from '../../support/store-readers';

/**
 * BuildRunner's own part, around a stand-in release pipeline: what it records when the pipeline
 * makes a release live (one transaction: current release, formation, the build's row, the event),
 * fails, is cancelled or runs out of time; the operations path; the wait for git's ref update after
 * a push; and that pruning old images never fails a build. builds.test.ts runs it with the real
 * pipeline.
 */
describe('build runner (real SQLite store, stand-in pipeline)', () => {
  let dir: string;
  let store: Store;
  let events: EventsService;
  let logs: InMemoryLogBus;
  let after: string[];
  let prunes: string[];
  let resolves: number;
  let recorded: number;
  /** What the pipeline records with the go-live (the scheduler the app now runs on), in the same transaction. */
  const record = () => { recorded++; };

  const release = (version: number, manifest = EMPTY_MANIFEST): ReleaseRecord => store.releases.create({
    app: 'shop', image: `berth/shop:v${version}`, gitSha: null, config: {}, processes: { web: 'a', worker: 'b', release: 'c' }, port: 5000,
    appJson: null, manifest, detectedPorts: null, description: `push ${version}`, user: 'dana',
  });
  type Pipeline = (r: ReleaseRun) => Promise<ReleaseRecord>;
  const runner = (pipeline: Pipeline, o: { timeoutSeconds?: number; branch?: (n: number) => string | null; operations?: boolean; pruneFails?: boolean } = {}) => new BuildRunner({
    ...ownersOf(store), store, logs, events, buildLogsDir: path.join(dir, 'logs'), timeoutSeconds: o.timeoutSeconds ?? 60,
    urlOf: (app) => `http://${app}.test`,
    repos: { resolveRef: async () => { resolves++; return o.branch ? o.branch(resolves) : null; } },
    pipeline: { run: pipeline } as never,
    releases: { pruneImages: async (app: string) => { prunes.push(app); if (o.pruneFails) throw new Error('image in use'); } },
    afterDeploy: async (r, log) => { after.push(`v${r.version}`); log('postdeploy ran'); },
    ...(o.operations ? { operations: { handles: (k: string) => k === 'scale', run: async (_b: BuildRecord, c: { log: (l: string) => void }) => { c.log('scaled web=2'); } } } : {}),
  });
  const queued = (kind = 'push', source = 'abcdef1234567', snapshotPath: string | null = null) => store.builds.create({ app: 'shop', kind, source, snapshotPath, user: 'dana' });
  const ctx = (signal = new AbortController().signal) => ({ signal });
  const eventsOf = () => events.list({ app: 'shop', limit: 10 }).map((e) => [e.kind, e.message, e.user]);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-build-runner-'));
    store = openSqliteStore(path.join(dir, 'berth.db'));
    store.apps.insert('shop');
    events = new EventsService(store.events);
    logs = new InMemoryLogBus();
    after = [];
    prunes = [];
    resolves = 0;
    recorded = 0;
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a release the pipeline makes live: current, formation from app.json adopted, the build succeeded with its version, one event; then postdeploy, the URL line and pruning', async () => {
    const b = queued('archive', 'archive upload');
    let seen: ReleaseRun | undefined;
    await runner(async (r) => {
      seen = r;
      r.log('pipeline ran');
      const rel = release(1, { ...EMPTY_MANIFEST, formation: { worker: 3, web: 2, release: 1 } });
      r.goLive(rel, record);
      return rel;
    }).handle({ buildId: b.id, app: 'shop', kind: 'archive' }, ctx());
    assert.equal(seen!.build.id, b.id);
    assert.equal(seen!.job.kind, 'archive');
    assert.equal(seen!.signal!.aborted, false);
    assert.equal(store.releases.current('shop')!.version, 1);
    assert.equal(recorded, 1, 'the pipeline\'s own record ran with the go-live');
    assert.deepEqual(store.formation.get('shop'), { web: 2, worker: 3 }, 'the running types app.json gives counts for (release runs once)');
    const done = store.builds.getById(b.id)!;
    assert.deepEqual([done.status, done.releaseVersion, done.error], ['succeeded', 1, null]);
    assert.deepEqual(eventsOf(), [['deploy.succeeded', 'deployed v1 (push 1)', 'dana']]);
    assert.deepEqual(after, ['v1']);
    assert.deepEqual(logs.lines.get(b.id), ['pipeline ran', 'postdeploy ran', '=====> Deployed http://shop.test (v1)']);
    assert.equal(logs.ends.get(b.id), 'succeeded');
    assert.deepEqual(prunes, ['shop']);
    assert.equal(resolves, 0, 'no ref to wait for: not a push');
  });

  it('a push holds the app\'s turn until git moved the branch to its commit; a failed prune does not fail the build', async () => {
    const b = queued('push', 'abcdef1234567');
    await runner(async (r) => { const rel = release(1); r.goLive(rel, record); return rel; }, { branch: (n) => (n < 3 ? 'old' : 'abcdef1234567'), pruneFails: true })
      .handle({ buildId: b.id, app: 'shop', kind: 'push', ref: 'refs/heads/main' }, ctx());
    assert.equal(resolves, 3, 'asked until the branch showed the commit');
    assert.equal(store.builds.getById(b.id)!.status, 'succeeded');
    assert.deepEqual(prunes, ['shop']);
    const noRef = queued('push', 'abcdef1234567');
    await runner(async (r) => { const rel = release(2); r.goLive(rel, record); return rel; }).handle({ buildId: noRef.id, app: 'shop', kind: 'push' }, ctx());
    assert.equal(resolves, 3, 'a push without a ref (ssh: the hook gave none) waits for nothing');
  });

  it('a pipeline failure fails the build with its code and message: the log line, the row, the event, the log\'s end; nothing goes live', async () => {
    const b = queued();
    await runner(async () => { throw new BerthError('HEALTHCHECK_FAILED', 'web.1 never answered on port 5000.'); })
      .handle({ buildId: b.id, app: 'shop', kind: 'push' }, ctx());
    const failed = store.builds.getById(b.id)!;
    assert.deepEqual([failed.status, failed.error, failed.releaseVersion], ['failed', 'HEALTHCHECK_FAILED: web.1 never answered on port 5000.', null]);
    assert.deepEqual(logs.lines.get(b.id), ['!     web.1 never answered on port 5000.']);
    assert.equal(logs.ends.get(b.id), 'failed');
    assert.deepEqual(eventsOf(), [['build.failed', `build ${b.id} failed: web.1 never answered on port 5000.`, 'dana']]);
    assert.deepEqual([after, prunes, store.releases.current('shop')], [[], [], null]);
    const plain = queued();
    await runner(async () => { throw new Error('socket closed'); }).handle({ buildId: plain.id, app: 'shop', kind: 'push' }, ctx());
    assert.equal(store.builds.getById(plain.id)!.error, 'INTERNAL: socket closed');
  });

  it('cancelled while it runs: cancelled, with its event; cancelled before it started: never marked running', async () => {
    const b = queued();
    const ac = new AbortController();
    await runner(async (r) => { ac.abort(); r.signal!.throwIfAborted(); throw new Error('unreachable'); }).handle({ buildId: b.id, app: 'shop', kind: 'push' }, ctx(ac.signal));
    const c = store.builds.getById(b.id)!;
    assert.deepEqual([c.status, c.error], ['cancelled', 'Build cancelled.']);
    assert.deepEqual(logs.lines.get(b.id), ['!     Build cancelled.']);
    assert.equal(logs.ends.get(b.id), 'cancelled');
    assert.deepEqual(eventsOf(), [['build.cancelled', `build ${b.id} cancelled`, 'dana']]);

    const early = queued();
    let ran = false;
    await runner(async () => { ran = true; return release(1); }).handle({ buildId: early.id, app: 'shop', kind: 'push' }, ctx(AbortSignal.abort()));
    const e = store.builds.getById(early.id)!;
    assert.deepEqual([ran, e.status, e.error, e.startedAt], [false, 'cancelled', 'Build cancelled before it started.', null]);
  });

  it('past BERTH_BUILD_TIMEOUT: the pipeline\'s signal aborts and the build fails with BUILD_TIMEOUT naming the limit', async () => {
    const b = queued();
    await runner((r) => new Promise((_ok, fail) => r.signal!.addEventListener('abort', () => fail(new Error('aborted')), { once: true })), { timeoutSeconds: 0.05 })
      .handle({ buildId: b.id, app: 'shop', kind: 'push' }, ctx());
    const t = store.builds.getById(b.id)!;
    assert.deepEqual([t.status, t.error], ['failed', 'BUILD_TIMEOUT: The build ran longer than 0.05 s (BERTH_BUILD_TIMEOUT) and was stopped.']);
  });

  it('an operation (ps:scale…) runs in the build\'s turn, logs "Done" and makes no release; other kinds go to the pipeline', async () => {
    const b = queued('scale', 'web=2');
    let piped = 0;
    const r = runner(async (run) => { piped++; const rel = release(1); run.goLive(rel, record); return rel; }, { operations: true });
    await r.handle({ buildId: b.id, app: 'shop', kind: 'scale' }, ctx());
    const s = store.builds.getById(b.id)!;
    assert.deepEqual([s.status, s.releaseVersion, piped], ['succeeded', null, 0]);
    assert.deepEqual(logs.lines.get(b.id), ['scaled web=2', '=====> Done']);
    assert.equal(logs.ends.get(b.id), 'succeeded');
    assert.deepEqual([after, prunes, eventsOf()], [[], [], []]);
    const p = queued('push');
    await r.handle({ buildId: p.id, app: 'shop', kind: 'push' }, ctx());
    assert.equal(piped, 1);
  });

  it('a build handed out again after it ended, or one that does not exist, is left alone', async () => {
    let piped = 0;
    const r = runner(async (run) => { piped++; const rel = release(piped); run.goLive(rel, record); return rel; });
    const b = queued('archive', 'archive upload');
    await r.handle({ buildId: b.id, app: 'shop', kind: 'archive' }, ctx());
    const first = store.builds.getById(b.id)!;
    for (const status of ['succeeded', 'failed', 'cancelled'] as const) {
      store.builds.finish(b.id, { status });
      await r.handle({ buildId: b.id, app: 'shop', kind: 'archive' }, ctx());
    }
    await r.handle({ buildId: 9999, app: 'shop', kind: 'archive' }, ctx());
    assert.equal(piped, 1, 'the pipeline ran once');
    assert.deepEqual(logs.lines.get(b.id), ['postdeploy ran', '=====> Deployed http://shop.test (v1)'], 'nothing more was logged');
    assert.equal(first.status, 'succeeded');
  });

  it('removes the build\'s source snapshot when it ends, whatever the outcome', async () => {
    const snap = path.join(dir, 'snap.tar');
    fs.writeFileSync(snap, 'tar');
    const b = queued('push', 'abcdef1234567', snap);
    await runner(async () => { throw new Error('no'); }).handle({ buildId: b.id, app: 'shop', kind: 'push' }, ctx());
    await waitFor('the snapshot to be removed', () => !fs.existsSync(snap), 5_000);
  });
});
