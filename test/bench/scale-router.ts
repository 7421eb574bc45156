/**
 * The router half of the scale bench (scale.ts): berth's nginx router alone with N apps, real
 * nginx, no containers (upstreams point at a closed loopback port; nginx's cost does not depend on
 * whether they answer). Per size: configuring every app at once, 1,000 route changes (the first 50
 * one at a time, timed: median and p95; the rest 10 at a time), nginx's memory (master and
 * workers, Pss and Rss summed) after a fresh start, right after the changes, and once they went
 * quiet; then where a reload's time goes (reload-phases.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NginxRouter } from '../../app/infra/nginx';
import type { AppRoute } from '../../app/ports/router';
import { freePortPair } from '../support/berth-process';
import { median } from './bench-types';
import { reloadPhases, type ReloadPhases } from './reload-phases';

export interface RouterSizeResult {
  readonly apps: number;
  readonly configureAllMs: number;
  readonly changeMedianMs: number;
  readonly changeP95Ms: number;
  readonly changes: number;
  readonly reloads: number;
  /** CPU time (user + system) the master spent per reload over the timed changes (each a fresh master: its CPU once it serves). */
  readonly masterCpuMsPerReload: number;
  readonly freshPssKb: number;
  readonly freshRssKb: number;
  readonly afterPssKb: number;
  readonly afterRssKb: number;
  readonly refreshedPssKb: number;
  readonly refreshedRssKb: number;
  readonly phases: ReloadPhases;
  /** The 1-minute load average right after the timed changes. */
  readonly loadAvg: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TIMED = 50;
const CHANGES = Number(process.env.BENCH_SCALE_CHANGES ?? 1000);
const REFRESH_MS = 2000;

function children(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Pss and Rss (kB) of the master named by the pid file and its workers. */
export function nginxMemory(dir: string): { pssKb: number; rssKb: number } {
  const master = Number(fs.readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim());
  let pssKb = 0;
  let rssKb = 0;
  for (const pid of [master, ...children(master)]) {
    try {
      const t = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rssKb += Number(/^Rss:\s+(\d+) kB/m.exec(t)?.[1] ?? 0);
      pssKb += Number(/^Pss:\s+(\d+) kB/m.exec(t)?.[1] ?? 0);
    } catch {
      // a worker that just exited
    }
  }
  return { pssKb, rssKb };
}

/** CPU time of a process in ms, from /proc/<pid>/schedstat (ns; utime/stime count 10 ms ticks, too coarse for a small config). */
function cpuMs(pid: number): number {
  return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}

export const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];

export async function routerAtSize(apps: number): Promise<RouterSizeResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-scale-'));
  const [port] = freePortPair();
  const router = new NginxRouter({ dir, nginxBin: 'nginx', httpPort: port, httpsPort: freePortPair()[0], listenAddress: '127.0.0.1', domain: 'scale.localhost', refreshIdleMs: REFRESH_MS });
  const route = (i: number, v: number): AppRoute => ({ app: `app-${i}`, domains: [`app-${i}.scale.localhost`, `v${v}.app-${i}.example.test`], upstreams: [{ host: '127.0.0.1', port: 9 }] });
  try {
    await router.start();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: apps }, (_, i) => router.apply(route(i, 0))));
    const configureAllMs = performance.now() - t0;
    // A fresh master with every app, as after a restart of berth.
    await router.stop();
    await router.start();
    await sleep(1000);
    const fresh = nginxMemory(dir);
    const reloadsBefore = router.reloads;
    const masterPid = () => Number(fs.readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim());
    // A fresh master parses the config once: its CPU once it serves is that reload's (a master a
    // SIGHUP reloaded counts what it spent since the last look).
    let master = masterPid();
    let cpuBefore = cpuMs(master);
    let masterCpu = 0;
    const times: number[] = [];
    for (let k = 1; k <= TIMED; k++) {
      const s = performance.now();
      await router.apply(route(k % apps, k));
      times.push(performance.now() - s);
      const m = masterPid();
      if (m !== master) cpuBefore = 0;
      master = m;
      const now = cpuMs(m);
      masterCpu += now - cpuBefore;
      cpuBefore = now;
    }
    const loadAvg = os.loadavg()[0];
    const masterCpuMsPerReload = masterCpu / (router.reloads - reloadsBefore);
    for (let k = TIMED + 1; k <= CHANGES; k += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, j) => router.apply(route((k + j) % apps, k + j))));
    }
    const after = nginxMemory(dir);
    const reloads = router.reloads - reloadsBefore;
    await sleep(REFRESH_MS + 2000); // quiet (a master that could not be replaced is, by now)
    const refreshed = nginxMemory(dir);
    const phases = await reloadPhases(dir, 'app-1');
    return {
      apps, configureAllMs, changeMedianMs: median(times), changeP95Ms: p95(times), changes: CHANGES, reloads, masterCpuMsPerReload,
      freshPssKb: fresh.pssKb, freshRssKb: fresh.rssKb, afterPssKb: after.pssKb, afterRssKb: after.rssKb,
      refreshedPssKb: refreshed.pssKb, refreshedRssKb: refreshed.rssKb, phases, loadAvg,
    };
  } finally {
    await router.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  (async () => {
    for (const n of (process.argv[2] ?? '10,100,1000').split(',').map(Number)) process.stdout.write(`${JSON.stringify(await routerAtSize(n))}\n`);
  })().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
}
