import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { nginxRequestLog, REQUEST_LOG_FILE } from '../../../app/infra/nginx';
import { MetricsCollector, MetricsService, percentileMs, addLatency, type ProcessSample, type LatencyHistogram } from '../../../app/metrics';
import type { Store } from '../../../app/ports/store';
import type { ContainerInfo } from '../../../app/ports/container-engine';

/** 2026-12-07 12:00:00 UTC: a whole hour, so every tier's buckets start on it. */
const NOON = Date.UTC(2026, 11, 7, 12, 0, 0);
const MIN = 60_000;

const sample = (o: Partial<ProcessSample> = {}): ProcessSample => ({
  app: 'shop', process: 'web', cpuPercent: 10, memoryBytes: 100 * 1024 * 1024, memoryLimitBytes: 512 * 1024 * 1024, restarts: 0, containers: 1, ...o,
});

describe('metrics history (app/metrics) in SQLite', () => {
  let dir: string;
  let store: Store;
  const open = () => openSqliteStore(path.join(dir, 'berth.db'));
  const service = (s: Store, log = nginxRequestLog(path.join(dir, 'nginx'))) => new MetricsService({ store: s, requestLog: log, intervalSeconds: 30 });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-metrics-'));
    store = open();
    store.apps.insert('shop');
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps each sample raw for an hour and averaged into 1-minute and 10-minute buckets', () => {
    const m = service(store);
    m.recordProcesses(NOON + 5_000, [sample({ cpuPercent: 10, restarts: 1 })]);
    m.recordProcesses(NOON + 35_000, [sample({ cpuPercent: 30, restarts: 2 })]);
    m.recordProcesses(NOON + 65_000, [sample({ cpuPercent: 50 })]);
    const now = NOON + 2 * MIN;
    const hour = m.history('shop', '1h', now);
    assert.equal(hour.step, 30);
    assert.equal(hour.t.length, 120);
    const web = hour.processes.find((p) => p.process === 'web')!;
    const at = (h: typeof hour, s: number) => h.t.indexOf(s);
    assert.equal(web.cpu[at(hour, NOON / 1000)], 10);
    assert.equal(web.cpu[at(hour, NOON / 1000 + 30)], 30);
    assert.equal(web.memoryLimit, 512 * 1024 * 1024);
    const day = m.history('shop', '24h', now);
    assert.equal(day.step, 60);
    const dweb = day.processes[0];
    assert.equal(dweb.cpu[at(day, NOON / 1000)], 20, 'the minute holds the average of its two samples');
    assert.equal(dweb.restarts[at(day, NOON / 1000)], 3, 'restarts add up');
    assert.equal(dweb.cpu[at(day, NOON / 1000 + 60)], 50);
    const week = m.history('shop', '7d', now);
    assert.equal(week.step, 600);
    assert.equal(week.t.length, 1008);
    assert.equal(week.processes[0].cpu[at(week, NOON / 1000)], 30, 'ten minutes: the average of all three');
  });

  it('prunes each tier past what it keeps, and the history survives closing and reopening the database', () => {
    const m = service(store);
    m.recordProcesses(NOON, [sample()]);
    m.recordProcesses(NOON + 2 * 3600_000, [sample({ cpuPercent: 40 })]);
    // Two hours later: the first raw sample is past the hour, its minute and 10-minute buckets stay.
    assert.equal(m.prune(NOON + 2 * 3600_000), 1);
    store.close();
    store = open();
    const again = service(store);
    const now = NOON + 2 * 3600_000;
    assert.deepEqual(again.history('shop', '1h', now).processes[0].cpu.filter((v) => v !== null), [40]);
    assert.deepEqual(again.history('shop', '24h', now).processes[0].cpu.filter((v) => v !== null), [10, 40]);
    // A day and a bit later the minutes go too; after 7 days everything.
    assert.equal(again.prune(NOON + 26 * 3600_000), 2);
    assert.deepEqual(again.history('shop', '7d', NOON + 26 * 3600_000).processes[0].cpu.filter((v) => v !== null), [10, 40]);
    assert.equal(again.prune(NOON + 8 * 86_400_000), 3, 'the last minute and both 10-minute buckets');
    assert.deepEqual(again.history('shop', '7d', NOON + 8 * 86_400_000).processes, []);
  });

  it('drops samples of an app that is gone, and an app\'s history goes with it', () => {
    const m = service(store);
    m.recordProcesses(NOON, [sample(), sample({ app: 'ghost' })]);
    assert.equal(m.history('ghost', '1h', NOON + MIN).processes.length, 0);
    assert.equal(m.history('shop', '1h', NOON + MIN).processes.length, 1);
    store.apps.rename('shop', 'store');
    assert.equal(m.history('store', '1h', NOON + MIN).processes.length, 1, 'a rename keeps the history');
    store.apps.remove('store');
    store.apps.insert('store');
    assert.equal(m.history('store', '1h', NOON + MIN).processes.length, 0, 'a new app of the name starts empty');
  });

  it('folds the router\'s request log once: counts, status classes and latency percentiles, across reopening', async () => {
    const logs = path.join(dir, 'nginx', 'logs');
    fs.mkdirSync(logs, { recursive: true });
    const file = path.join(logs, REQUEST_LOG_FILE);
    const t0 = (NOON + 1_000) / 1000;
    const lines = [
      ...Array.from({ length: 12 }, (_, i) => `shop ${(t0 + i * 0.1).toFixed(3)} 200 0.010`),
      ...Array.from({ length: 5 }, (_, i) => `shop ${(t0 + 2 + i * 0.1).toFixed(3)} 404 0.002`),
      ...Array.from({ length: 3 }, (_, i) => `shop ${(t0 + 3 + i * 0.1).toFixed(3)} 502 1.500`),
      `shop ${(t0 - 3600).toFixed(3)} 301 0.001`,
      'not a line',
      `ghost ${t0.toFixed(3)} 200 0.010`,
    ];
    // The last line is still being written: no line end yet.
    fs.writeFileSync(file, `${lines.join('\n')}\nshop ${t0.toFixed(3)} 200 0.0`);
    const m = service(store);
    assert.equal(await m.foldRequests(), 22, 'whole lines of the format only');
    const h = m.history('shop', '1h', NOON + MIN);
    assert.deepEqual({ ...h.requests.total, p50: undefined, p95: undefined }, { requests: 20, s2xx: 12, s3xx: 0, s4xx: 5, s5xx: 3, p50: undefined, p95: undefined });
    assert.ok(Math.abs(h.requests.total.p50! - 10) < 0.6, `p50 ${h.requests.total.p50}`);
    assert.ok(Math.abs(h.requests.total.p95! - 1500) < 75, `p95 ${h.requests.total.p95}`);
    assert.equal(h.requests.rate[h.t.indexOf(NOON / 1000)], 20 / 30);
    // Reading again reads nothing new; the finished line is read once it ends, also by a new berth.
    assert.equal(await m.foldRequests(), 0);
    fs.appendFileSync(file, '10\n');
    store.close();
    store = open();
    assert.equal(await service(store).foldRequests(), 1);
    assert.equal(service(store).history('shop', '1h', NOON + MIN).requests.total.s2xx, 13);
    // The 301 an hour earlier is in the day's history (and its minute).
    assert.equal(service(store).history('shop', '24h', NOON + MIN).requests.total.s3xx, 1);
    // A log replaced by another file is read from its start.
    fs.rmSync(file);
    fs.writeFileSync(file, `shop ${t0.toFixed(3)} 500 0.100\n`);
    assert.equal(await service(store).foldRequests(), 1);
    assert.equal(service(store).history('shop', '1h', NOON + MIN).requests.total.s5xx, 4);
  });

  it('counts restarts since the last round per container, not docker\'s counts since creation', async () => {
    const recorded: ProcessSample[][] = [];
    const counts = new Map<string, number>([['a', 4], ['b', 0]]);
    const collector = new MetricsCollector({
      metrics: { recordProcesses: (_at, s) => { recorded.push([...s]); }, foldRequests: async () => 0, prune: () => 0 },
      inspect: async (id) => ({ id, restartCount: counts.get(id), memoryLimitBytes: id === 'c' ? 0 : 256 * 1024 * 1024 }) as ContainerInfo,
    });
    const c = (id: string, process = 'web') => ({ id, app: 'shop', process, state: 'running' as const, stats: { cpuPercent: 5, memoryBytes: 1024, memoryLimitBytes: 1 } });
    await collector.round(NOON, [c('a'), c('b')]);
    assert.deepEqual(recorded[0], [{ app: 'shop', process: 'web', cpuPercent: 10, memoryBytes: 2048, memoryLimitBytes: 512 * 1024 * 1024, restarts: 0, containers: 2 }],
      'the restarts docker counted before berth started are not this round\'s');
    counts.set('a', 6);
    counts.set('c', 1);
    await collector.round(NOON + 30_000, [c('a'), c('b'), c('c', 'worker')]);
    assert.equal(recorded[1].find((s) => s.process === 'web')!.restarts, 2);
    const worker = recorded[1].find((s) => s.process === 'worker')!;
    assert.equal(worker.restarts, 1, 'a container first seen later: all its restarts are new');
    assert.equal(worker.memoryLimitBytes, null, 'no limit');
  });

  it('estimates percentiles within 5 %', () => {
    const h: LatencyHistogram = {};
    for (let i = 1; i <= 1000; i++) addLatency(h, i / 1000);
    assert.ok(Math.abs(percentileMs(h, 0.5)! - 500) / 500 < 0.05, String(percentileMs(h, 0.5)));
    assert.ok(Math.abs(percentileMs(h, 0.95)! - 950) / 950 < 0.05, String(percentileMs(h, 0.95)));
    assert.equal(percentileMs({}, 0.5), null);
  });
});
