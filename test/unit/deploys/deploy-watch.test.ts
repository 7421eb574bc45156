import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeployWatch, breachOf, type WatchBreach } from '../../../app/deploys/deploy-watch';
import { DeployWatchSettings, WATCH_DEFAULTS, parseWindow, watchSettingsOf } from '../../../app/deploys/deploy-watch-settings';
import { openSqliteStore } from '../../../app/infra/sqlite';
import type { ContainerInfo } from '../../../app/ports/container-engine';
import type { Store } from '../../../app/ports/store';

const quiet = { restarts: 0, down: 0, unhealthy: 0, requests: 0, s5xx: 0 };

describe('deploy watch: what breaches', () => {
  it('a crash loop (restarts plus containers down), liveness restarts, and a 5xx rate above the limit over enough requests', () => {
    assert.equal(breachOf(quiet, WATCH_DEFAULTS), null);
    assert.equal(breachOf({ ...quiet, restarts: 2 }, WATCH_DEFAULTS), null);
    assert.equal(breachOf({ ...quiet, restarts: 3 }, WATCH_DEFAULTS), 'crash loop: 3 restarts of its containers (limit 3)');
    assert.equal(breachOf({ ...quiet, restarts: 2, down: 1 }, WATCH_DEFAULTS), 'crash loop: 2 restarts of its containers and 1 down (limit 3)');
    assert.equal(breachOf({ ...quiet, unhealthy: 1 }, WATCH_DEFAULTS), 'failing liveness checks: 1 container restarted by the liveness monitor (limit 1)');
    // 20 % exactly is not above the limit; 19 requests are too few to judge.
    assert.equal(breachOf({ ...quiet, requests: 20, s5xx: 4 }, WATCH_DEFAULTS), null);
    assert.equal(breachOf({ ...quiet, requests: 19, s5xx: 19 }, WATCH_DEFAULTS), null);
    assert.equal(breachOf({ ...quiet, requests: 20, s5xx: 5 }, WATCH_DEFAULTS), '5xx rate 25 %: 5 of 20 requests (limit 20 % of at least 20)');
  });

  it('settings: durations, defaults, and what is stored', () => {
    assert.deepEqual(['90s', '5m', '1h', '300', 'off'].map(parseWindow), [90, 300, 3600, 300, 0]);
    for (const bad of ['5 m', '-1', '2d', '25h', '']) assert.throws(() => parseWindow(bad), { code: 'INVALID_DEPLOY_WATCH' });
    assert.deepEqual(watchSettingsOf({ 'watch-window': '60', 'watch-action': 'watch', 'watch-5xx-rate': '0.5', other: 'x' }),
      { ...WATCH_DEFAULTS, window: 60, action: 'watch', errorRate: 0.5 });
  });
});

describe('deploy watch (real SQLite store, fake containers)', () => {
  let dir: string;
  let store: Store;
  let now: number;
  let current: number | null;
  let containers: ContainerInfo[];
  let rollbacks: Array<[string, number, number]>;
  let events: string[];
  let alerts: WatchBreach[];
  let rollbackFails: Error | null;
  const T0 = Date.parse('2026-12-07T20:00:00.000Z');
  const watch = () => new DeployWatch({
    watches: store.deployWatches,
    settings: new DeployWatchSettings({ store, apps: { find: () => null, list: () => [] }, events: {} as never }),
    releases: { current: () => (current === null ? null : { version: current } as never), get: (_app, v) => (v >= 1 && v <= 9 ? { version: v } as never : null) },
    deployer: { containersOf: async () => containers },
    engine: { inspectContainer: async (id) => containers.find((c) => c.id === id) ?? null },
    unhealthySince: () => 0,
    requestsSince: () => ({ requests: 0, s5xx: 0 }),
    rollback: async (app, to, whileCurrent) => {
      if (rollbackFails) throw rollbackFails;
      rollbacks.push([app, to, whileCurrent]);
      return 41 + rollbacks.length;
    },
    events: { record: (e) => { events.push(e.message); } },
    onBreach: (b) => { alerts.push(b); },
    now: () => now,
  });
  const container = (version: number, restartCount: number, state = 'running'): ContainerInfo =>
    ({ id: `c${version}-${restartCount}`, name: `berth.shop.web.1.x`, state, restartCount, labels: { 'berth.release': String(version) } } as unknown as ContainerInfo);
  /** v2 goes live after v1 (as the build runner's go-live does). */
  const deployV2 = (w: DeployWatch) => { current = 2; w.begin({ app: 'shop', version: 2 }, { previous: 1, kind: 'push' }); };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-deploy-watch-'));
    store = openSqliteStore(path.join(dir, 'berth.db'));
    store.apps.insert('shop');
    now = T0;
    current = 1;
    containers = [];
    rollbacks = [];
    events = [];
    alerts = [];
    rollbackFails = null;
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a crash loop in the window rolls back to the release before once, however many passes look, with one event and one alert', async () => {
    const w = watch();
    deployV2(w);
    containers = [container(1, 9), container(2, 1)];
    await w.pass();
    assert.equal(store.deployWatches.get('shop', 2)?.status, 'watching', 'v1\'s restarts are not v2\'s');
    now += 30_000;
    containers = [container(2, 4)];
    await Promise.all([w.pass(), w.pass(), watch().pass()]);
    await w.pass();
    assert.deepEqual(rollbacks, [['shop', 1, 2]]);
    assert.deepEqual(events, ['v2 unhealthy 30 s after its deploy: crash loop: 4 restarts of its containers (limit 3); rolling back to v1 (build 42)']);
    assert.deepEqual(alerts.map((a) => [a.release, a.rollbackTo, a.reason]), [[2, 1, 'crash loop: 4 restarts of its containers (limit 3)']]);
    assert.deepEqual([store.deployWatches.get('shop', 2)?.status, store.deployWatches.get('shop', 2)?.reason], ['rolled-back', 'crash loop: 4 restarts of its containers (limit 3)']);
  });

  it('set to watch only, it alerts and rolls nothing back', async () => {
    store.deploySettings.apply('shop', { 'watch-action': 'watch' }, []);
    const w = watch();
    deployV2(w);
    containers = [container(2, 5)];
    await w.pass();
    assert.deepEqual(rollbacks, []);
    assert.equal(store.deployWatches.get('shop', 2)?.status, 'alerted');
    assert.deepEqual(alerts.map((a) => a.rollbackTo), [null]);
    assert.match(events[0], /; not rolled back \(deploy-watch action: watch\)$/);
  });

  it('a release replaced meanwhile (a deploy, a manual rollback) is never rolled back: its watch ends', async () => {
    const w = watch();
    deployV2(w);
    // Another berth process made v3 live without telling this one: the pass finds it.
    current = 3;
    containers = [container(2, 8)];
    await w.pass();
    assert.deepEqual(rollbacks, []);
    assert.deepEqual([store.deployWatches.get('shop', 2)?.status, store.deployWatches.get('shop', 2)?.reason], ['replaced', 'v3 replaced it']);
    // A manual rollback ends the watch of the release it replaced and is not watched itself.
    current = 2;
    deployV2(w);
    current = 4;
    w.begin({ app: 'shop', version: 4 }, { previous: 2, kind: 'rollback' });
    assert.equal(store.deployWatches.get('shop', 2)?.status, 'replaced');
    assert.equal(store.deployWatches.get('shop', 4), null);
    assert.deepEqual(store.deployWatches.active(), []);
  });

  it('a watch is a row: a new process (berth restarted) resumes it; past the window with no breach it passed', async () => {
    deployV2(watch());
    containers = [container(2, 3)];
    now += 60_000;
    await watch().pass();
    assert.deepEqual(rollbacks, [['shop', 1, 2]]);
    current = 5;
    watch().begin({ app: 'shop', version: 5 }, { previous: 1, kind: 'push' });
    containers = [container(5, 2)];
    now += 299_000;
    await watch().pass();
    assert.equal(store.deployWatches.get('shop', 5)?.status, 'watching');
    now += 1_000;
    await watch().pass();
    assert.equal(store.deployWatches.get('shop', 5)?.status, 'passed');
  });

  it('window off: no watch; no release before it, or a rollback that cannot be queued: alerted, and said so', async () => {
    store.deploySettings.apply('shop', { 'watch-window': '0' }, []);
    deployV2(watch());
    assert.equal(store.deployWatches.get('shop', 2), null);
    store.deploySettings.apply('shop', {}, ['watch-window']);
    current = 1;
    watch().begin({ app: 'shop', version: 1 }, { previous: null, kind: 'push' });
    containers = [container(1, 3)];
    await watch().pass();
    assert.equal(store.deployWatches.get('shop', 1)?.status, 'alerted');
    assert.match(events[0], /; not rolled back \(no release before it\)$/);
    deployV2(watch());
    rollbackFails = new Error('shop is locked for deploys');
    containers = [container(2, 3)];
    await watch().pass();
    assert.equal(store.deployWatches.get('shop', 2)?.status, 'alerted');
    assert.match(events[1], /; the rollback to v1 could not be queued: shop is locked for deploys$/);
    assert.deepEqual(alerts.map((a) => a.rollbackTo), [null, null]);
  });
});
