/**
 * Metrics bench (issue 21, charts people read): the app page's Metrics tab and its charts' JSON with
 * 7 days of history for 100 apps. Each app gets every bucket the tiers keep (raw 30 s for an hour,
 * 1-minute for a day, 10-minute for a week) for two process types and the router's requests, written
 * straight into berth's SQLite (the sampler would take a week). Then, logged in over loopback, the
 * median (and spread) of 30 requests of each, the three ranges' JSON and the tab alternating in
 * order each round. Target: the page and the 7-day JSON under 100 ms.
 */
import path from 'node:path';
import { openSqliteStore } from '../../app/infra/sqlite';
import { addLatency, tiersFor, type LatencyHistogram } from '../../app/metrics';
import type { ProcessBucket, RequestBucket } from '../../app/ports/metrics-store';
import { startBerth } from '../support/berth-process';
import { adminCookie } from '../support/dashboard-session';
import { median, type BenchResult } from './bench-types';

const PASSWORD = 'bench metrics password';
const APPS = 100;
const ROUNDS = 30;

/** Every bucket 7 days of 30-s samples leave in the tiers, for one app. */
function historyOf(app: string, now: number): { processes: ProcessBucket[]; requests: RequestBucket[] } {
  const processes: ProcessBucket[] = [];
  const requests: RequestBucket[] = [];
  const latency: LatencyHistogram = {};
  for (let i = 1; i <= 40; i++) addLatency(latency, i / 1000);
  for (const t of tiersFor(30)) {
    const last = Math.floor(now / 1000 / t.step) * t.step;
    for (let at = last - t.keep + t.step; at <= last; at += t.step) {
      const samples = Math.max(1, t.step / 30);
      for (const process of ['web', 'worker']) {
        processes.push({
          app, process, step: t.step, at, samples, cpuSum: 12 * samples, memorySum: 80 * 1048576 * samples, memoryMax: 90 * 1048576,
          memoryLimit: 512 * 1048576, restarts: at % 3600 === 0 ? 1 : 0, containers: 2,
        });
      }
      const n = 20 * t.step;
      requests.push({ app, step: t.step, at, requests: n, s2xx: n - 3, s3xx: 1, s4xx: 1, s5xx: 1, latency });
    }
  }
  return { processes, requests };
}

export async function run(): Promise<BenchResult> {
  const berth = await startBerth({ BERTH_ADMIN_PASSWORD: PASSWORD });
  try {
    const apps = Array.from({ length: APPS }, (_, i) => `mbench-${String(i).padStart(3, '0')}`);
    for (const app of apps) {
      const res = await berth.api('POST', '/api/v1/apps', { name: app });
      if (res.status !== 201) throw new Error(`apps:create ${app}: ${res.status} ${res.text}`);
    }
    const store = openSqliteStore(path.join(berth.home, 'berth.db'), { keyFile: path.join(berth.home, 'secret.key') });
    let rows = 0;
    try {
      const now = Date.now();
      for (const app of apps) {
        const h = historyOf(app, now);
        store.metrics.addProcessBuckets(h.processes);
        store.metrics.addRequestBuckets(h.requests);
        rows += h.processes.length + h.requests.length;
      }
    } finally {
      store.close();
    }
    const cookie = await adminCookie(berth.url, PASSWORD);
    const app = apps[57];
    const targets = [
      { label: 'Metrics tab (page), 7d', path: `/apps/${app}/metrics?range=7d`, check: 'data-status-split' },
      { label: 'metrics.json, 7d (1,008 buckets)', path: `/apps/${app}/metrics.json?range=7d`, check: '"range":"7d"' },
      { label: 'metrics.json, 24h (1,440 buckets)', path: `/apps/${app}/metrics.json?range=24h`, check: '"range":"24h"' },
      { label: 'metrics.json, 1h (120 buckets)', path: `/apps/${app}/metrics.json?range=1h`, check: '"range":"1h"' },
    ];
    const times = targets.map(() => [] as number[]);
    for (let round = 0; round < ROUNDS + 5; round++) {
      // Each round in another order, so no target always runs first (warm) or last.
      const order = targets.map((_, i) => (i + round) % targets.length);
      for (const i of order) {
        const t0 = performance.now();
        const res = await fetch(`${berth.url}${targets[i].path}`, { headers: { cookie, connection: 'close' } });
        const text = await res.text();
        if (res.status !== 200 || !text.includes(targets[i].check)) throw new Error(`${targets[i].path}: ${res.status} ${text.slice(0, 200)}`);
        if (round >= 5) times[i].push(performance.now() - t0);
      }
    }
    const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
    return {
      name: 'dashboard-metrics',
      method: `\`npm run bench -- dashboard-metrics\`: ${APPS} apps with 7 days of history each (${rows.toLocaleString('en')} bucket rows: 2 process types and requests in all three tiers), logged in over loopback, median (min–max) of ${ROUNDS} requests each, order rotated per round`,
      figures: targets.map((t, i) => ({
        label: t.label, value: `${median(times[i]).toFixed(1)} ms (${spread(times[i])})`, ...(i < 2 ? { target: '< 100 ms' } : {}),
      })),
    };
  } finally {
    await berth.destroy();
  }
}

if (require.main === module) {
  run().then((r) => { console.log(JSON.stringify(r, null, 2)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
}
