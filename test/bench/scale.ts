/**
 * Scale bench (issue 24): `npm run bench -- scale`. At 10, 100 and 1,000 apps (BENCH_SCALE_SIZES),
 * what each cost becomes, and how it grows:
 * - the router alone (scale-router.ts): configuring every app at once, route change latency
 *   (median, p95 of 50 one at a time), nginx memory fresh, right after 1,000 changes, and once the
 *   router replaced its master;
 * - one berth (web and worker as two processes, as the Procfile runs them) holding that many apps,
 *   BENCH_SCALE_CONTAINERS (20) of them running one tiny busybox container each and the rest
 *   created but never deployed: each process's RSS, the overview and an app page's server time
 *   (median of 10), `berth apps:list` (median of 5), and the reconcile pass after a restart of the
 *   worker (its first pass; dockerd itself is never restarted: it is shared).
 * Everything it creates (berth, apps, containers, images, nginx, temp dirs) is removed at the end.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthProcess, ROOT, startBerth } from '../support/berth-process';
import { ownImageLabel } from '../support/app-images';
import { adminCookie } from '../support/dashboard-session';
import { median, type BenchResult, type Figure } from './bench-types';
import { chartSvg, writeChartPng } from './scale-chart';
import { routerAtSize, type RouterSizeResult } from './scale-router';

const PASSWORD = 'bench scale password';
const SIZES = (process.env.BENCH_SCALE_SIZES ?? '10,100,1000').split(',').map(Number);
const CONTAINERS = Number(process.env.BENCH_SCALE_CONTAINERS ?? 20);
const name = (i: number) => `scale-${String(i).padStart(4, '0')}`;

interface BerthSizeResult {
  readonly apps: number;
  readonly webRssKb: number;
  readonly workerRssKb: number;
  readonly overviewMs: number;
  readonly appPageMs: number;
  readonly appsListMs: number;
  readonly reconcileMs: number;
}

function rssKb(pid: number | undefined): number {
  if (!pid) return 0;
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

async function timed(times: number, warm: number, fn: () => Promise<void>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < times + warm; i++) {
    const s = performance.now();
    await fn();
    if (i >= warm) out.push(performance.now() - s);
  }
  return median(out);
}

async function page(url: string, cookie: string, mustInclude: string): Promise<void> {
  const res = await fetch(url, { headers: { cookie, connection: 'close' } });
  const text = await res.text();
  if (res.status !== 200 || !text.includes(mustInclude)) throw new Error(`${url} answered ${res.status} without ${mustInclude}`);
}

/** Deploys a tiny image of its own (a busybox httpd) to each of the first `n` apps. */
async function deployContainers(berth: BerthProcess, n: number, images: string[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const image = `berth-bench/scale:${name(i)}-${path.basename(berth.home)}`;
    const built = spawnSync('docker', ['build', '-q', '-t', image, '-'], {
      input: `FROM berth/busybox:latest\n${ownImageLabel(image)}RUN mkdir -p /www && echo ok > /www/index.html\nEXPOSE 8000\nCMD ["httpd", "-f", "-p", "8000", "-h", "/www"]\n`,
      encoding: 'utf8',
    });
    if (built.status !== 0) throw new Error(`docker build: ${built.stderr}`);
    images.push(image);
    const dep = await berth.api('POST', `/api/v1/apps/${name(i)}/deploys`, { image });
    if (dep.status !== 202) throw new Error(`deploy ${name(i)}: ${dep.text}`);
    const log = (await berth.api('GET', `/api/v1/apps/${name(i)}/builds/${dep.json.build.id}/log?follow=1`)).text;
    if (!/@@berth-status succeeded/.test(log)) throw new Error(`deploy ${name(i)} failed:\n${log.slice(-2000)}`);
  }
}

async function berthAtSizes(sizes: readonly number[]): Promise<BerthSizeResult[]> {
  const web = await startBerth({ BERTH_ADMIN_PASSWORD: PASSWORD }, { role: 'web' });
  let worker: BerthProcess | null = new BerthProcess(web.home, web.env);
  const images: string[] = [];
  try {
    await worker.start('worker');
    const cookie = await adminCookie(web.url, PASSWORD);
    const out: BerthSizeResult[] = [];
    let have = 0;
    for (const size of sizes) {
      for (; have < size; have++) {
        const r = await web.api('POST', '/api/v1/apps', { name: name(have) });
        if (r.status !== 201) throw new Error(`apps create ${name(have)}: ${r.status} ${r.text}`);
      }
      if (images.length < Math.min(size, CONTAINERS)) await deployContainers(web, Math.min(size, CONTAINERS), images);
      const overviewMs = await timed(10, 2, () => page(`${web.url}/`, cookie, name(0)));
      const appPageMs = await timed(10, 2, () => page(`${web.url}/apps/${name(0)}`, cookie, name(0)));
      const appsListMs = await timed(5, 1, async () => {
        const r = web.cli(['apps:list']);
        if (r.code !== 0 || !r.stdout.includes(name(size - 1))) throw new Error(`apps:list: ${r.stderr}`);
      });
      // The worker's first reconcile pass after a restart (all apps, their containers, the router's list).
      await worker.stop();
      worker = new BerthProcess(web.home, web.env);
      await worker.start('worker');
      const line = new RegExp(`reconcile: first pass over (\\d+) apps in (\\d+) ms`);
      const deadline = Date.now() + 300_000;
      while (!line.test(worker.output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const m = line.exec(worker.output);
      if (!m) throw new Error(`no first reconcile pass in the worker's output:\n${worker.output.slice(-2000)}`);
      out.push({ apps: size, webRssKb: rssKb(web.child?.pid), workerRssKb: rssKb(worker.child?.pid), overviewMs, appPageMs, appsListMs, reconcileMs: Number(m[2]) });
    }
    return out;
  } finally {
    await worker?.stop().catch(() => undefined);
    await web.destroy();
    if (images.length) spawnSync('docker', ['rmi', '-f', ...images]);
  }
}

/**
 * How a cost grows: a least-squares line value = fixed + perApp × apps through the sizes. Flat when
 * the per-app part is under a fifth of the cost at the largest size, else linear with both parts
 * named (superlinear when the last step grows faster than the apps do).
 */
export function growth(sizes: readonly number[], values: readonly number[], fmt: (x: number) => string): string {
  const n = sizes.length;
  const mx = sizes.reduce((a, b) => a + b, 0) / n;
  const my = values.reduce((a, b) => a + b, 0) / n;
  const slope = sizes.reduce((t, x, i) => t + (x - mx) * (values[i] - my), 0) / sizes.reduce((t, x) => t + (x - mx) ** 2, 0);
  const fixed = my - slope * mx;
  const last = values[n - 1];
  const step = Math.log(last / values[n - 2]) / Math.log(sizes[n - 1] / sizes[n - 2]);
  if (slope <= 0 || (slope * sizes[n - 1]) / last < 0.2) return 'flat';
  if (step > 1.3) return `superlinear (×${(last / values[n - 2]).toFixed(1)} from ${sizes[n - 2]} to ${sizes[n - 1]} apps)`;
  return `linear: ≈ ${fmt(Math.max(0, fixed))} + ${fmt(slope * 1000)} per 1,000 apps`;
}

/** Where a reload's time goes (reload-phases.ts): medians, the spread of the rounds in the label's figure. */
function phaseRows(routers: readonly RouterSizeResult[], ms: (x: number) => string) {
  const n = routers[0]?.phases.rounds ?? 0;
  const row = (label: string, pick: (r: RouterSizeResult) => number) => ({ label: `${label} (median of ${n}, alternating)`, values: routers.map(pick), fmt: ms });
  return [
    row('SIGHUP reload, signal → new workers', (r) => r.phases.hupNew.median),
    row('SIGHUP reload, signal → old workers retired (berth before; nginx sleeps 100 ms in between)', (r) => r.phases.hupRetired.median),
    row('fresh master (SIGUSR2), signal → its workers', (r) => r.phases.freshNew.median),
    row('fresh master, SIGUSR2 → old master\'s workers retired (SIGQUIT; berth now)', (r) => r.phases.freshRetired.median),
    row('scratch nginx -t of one app\'s file (now only when nginx refuses a batch)', (r) => r.phases.scratchCheck.median),
  ];
}

/** Issue 24's target, met or missed and by how much, at the largest size. */
function targetCheck(routers: readonly RouterSizeResult[]): Figure {
  const r = routers[routers.length - 1];
  const p = r.changeP95Ms;
  const verdict = p < 300 ? `met, ${(300 - p).toFixed(0)} ms under` : `MISSED by ${(p - 300).toFixed(0)} ms (×${(p / 300).toFixed(2)})`;
  return { label: `route change p95 at ${r.apps} apps vs the target`, value: `${p.toFixed(0)} ms: ${verdict} (load average ${r.loadAvg.toFixed(1)} when measured)`, target: '< 300 ms' };
}

export async function run(): Promise<BenchResult> {
  const started = Date.now();
  const routers: RouterSizeResult[] = [];
  for (const n of SIZES) routers.push(await routerAtSize(n));
  const berths = await berthAtSizes(SIZES);
  const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;
  const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
  const rows: Array<{ label: string; values: number[]; fmt: (x: number) => string; target?: string; chart?: boolean }> = [
    { label: 'route change latency, median (ms)', values: routers.map((r) => r.changeMedianMs), fmt: ms, chart: true },
    { label: 'route change latency, p95 (ms)', values: routers.map((r) => r.changeP95Ms), fmt: ms, target: '< 300 ms at 1,000', chart: true },
    { label: 'nginx master CPU per reload (user + system, what contention does not change)', values: routers.map((r) => r.masterCpuMsPerReload), fmt: ms, chart: true },
    { label: 'configure every app at once (batched)', values: routers.map((r) => r.configureAllMs), fmt: ms, chart: true },
    { label: 'nginx memory, fresh start: Pss', values: routers.map((r) => r.freshPssKb), fmt: mib, chart: true },
    { label: 'nginx memory right after 1,000 changes (each reload a fresh master): Pss', values: routers.map((r) => r.afterPssKb), fmt: mib },
    { label: 'nginx memory after 1,000 changes, once quiet: Pss', values: routers.map((r) => r.refreshedPssKb), fmt: mib },
    { label: 'the larger of the two / fresh start', values: routers.map((r) => Math.max(r.afterPssKb, r.refreshedPssKb) / r.freshPssKb), fmt: (x) => x.toFixed(2), target: '≤ 1.5' },
    { label: 'reloads for the 1,000 changes (50 one by one, the rest 10 at a time)', values: routers.map((r) => r.reloads), fmt: (x) => String(x) },
    ...phaseRows(routers, ms),
    { label: 'berth web RSS', values: berths.map((b) => b.webRssKb), fmt: mib, chart: true },
    { label: 'berth worker RSS', values: berths.map((b) => b.workerRssKb), fmt: mib, chart: true },
    { label: 'overview page, server time (median of 10)', values: berths.map((b) => b.overviewMs), fmt: ms, chart: true },
    { label: 'app page, server time (median of 10)', values: berths.map((b) => b.appPageMs), fmt: ms, chart: true },
    { label: 'berth apps:list (median of 5)', values: berths.map((b) => b.appsListMs), fmt: ms, chart: true },
    { label: 'reconcile pass after a worker restart', values: berths.map((b) => b.reconcileMs), fmt: ms, chart: true },
  ];
  const figures: Figure[] = rows.map((r) => ({
    label: r.label,
    value: `${r.values.map((v, i) => `${SIZES[i]}: ${r.fmt(v)}`).join(' · ')}${r.label.includes('/ fresh') || r.label.startsWith('reloads') ? '' : ` — ${growth(SIZES, r.values, r.fmt)}`}`,
    ...(r.target ? { target: r.target } : {}),
  }));
  figures.splice(2, 0, targetCheck(routers));
  const png = path.join(ROOT, 'docs', 'bench-scale.png');
  await writeChartPng(png, chartSvg(SIZES, rows.filter((r) => r.chart).map((r) => ({ label: r.label.replace(/ \(.*\)$/, ''), values: r.values }))));
  figures.push({ label: 'chart', value: `docs/bench-scale.png; the whole bench took ${((Date.now() - started) / 60_000).toFixed(1)} min` });
  return {
    name: 'scale',
    figures,
    method: `\`npm run bench -- scale\`: sizes ${SIZES.join(', ')} on ${os.cpus().length} cores (load average at the end ${os.loadavg()[0].toFixed(1)}, other work sharing the machine); router figures from berth's nginx router alone (real nginx, 1,000 changes per size: 50 timed one at a time, the rest 10 at a time); berth figures from one berth (web and worker processes) with ${CONTAINERS} apps running a busybox container and the rest never deployed; reconcile = the worker's first pass after its restart (dockerd is shared and never restarted)`,
  };
}

if (require.main === module) {
  run().then((r) => {
    for (const f of r.figures as Figure[]) process.stdout.write(`${f.label}: ${f.value}${f.target ? ` (target ${f.target})` : ''}\n`);
  }).catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
}
