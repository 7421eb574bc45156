/**
 * Router bench: wrk straight to an app container vs through berth's nginx, in one run (same
 * container, ≥ 5 rounds alternating which side goes first), printing per-round figures as
 * median (min–max) over the rounds: the throughput ratio (target ≥ 0.85) and the latency nginx
 * adds at p50/p99 (a p99 difference inside its spread is noise, not a cost). Then 100 apps configured: how long one route change (nginx -t + reload)
 * takes, and the RSS of nginx's master and workers. Runs alone: `node dist/test/bench/router.js`.
 * Traffic goes only to 127.0.0.1 and to the container this bench starts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createNginxRouter } from '../../app/infra/nginx';
import type { Router } from '../../app/ports/router';
import { median, type BenchResult, type Figure } from './bench-types';
import { alternate, ratio, roundsFromEnv, spread } from './rounds';
import { childrenOf, cpuSecondsOf, wrk, type WrkResult } from './wrk';

/** nginx from PATH, as berth runs it (deploy/install.sh installs it). */
const NGINX = 'nginx';
const ROOT = path.resolve(__dirname, '../../..');

/**
 * Two apps behind the same router. The bare server answers in a few microseconds of CPU, so the
 * proxy's own cost shows at its largest (the worst case); the express app does what a typical
 * small JSON endpoint does (routing, a JSON body), still far lighter than most real handlers.
 */
const PROFILES = [
  {
    key: 'express', label: 'express JSON app',
    js: `const e = require('express')(); e.get('/', (q, s) => s.json({ hello: 'from the app', at: Date.now() })); e.listen(5000, '0.0.0.0');`,
    mounts: ['-v', `${path.join(ROOT, 'node_modules')}:/app/node_modules:ro`, '-w', '/app'],
  },
  {
    key: 'bare', label: 'bare node http server',
    js: `require('http').createServer((q, s) => { s.setHeader('content-type', 'text/plain'); s.end('hello from the app\\n'); }).listen(5000, '0.0.0.0');`,
    mounts: [],
  },
] as const;

const ROUNDS = roundsFromEnv();

/** Each round's wrk result on both sides (same index, same round). */
interface ProfileResult { direct: WrkResult[]; routed: WrkResult[]; cpuUs: { app: number; nginx: number; wrk: number } }

/** Rss and Pss (shared pages split among the processes sharing them) of one process, in kB. */
function memKb(pid: number): { rss: number; pss: number } {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return { rss: Number(/^Rss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0), pss: Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0) };
}

const masterOf = (dir: string): number => Number(fs.readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim());

/** Memory of the master (from the pid file) and its workers: Rss summed, and Pss (what they really hold together). */
function nginxMemory(dir: string): { rssKb: number; pssKb: number; workers: number } {
  const master = masterOf(dir);
  const workers = childrenOf(master);
  const all = [master, ...workers].map(memKb);
  return { rssKb: all.reduce((t, m) => t + m.rss, 0), pssKb: all.reduce((t, m) => t + m.pss, 0), workers: workers.length };
}

const mib = (kb: number): string => (kb / 1024).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the profile's container on the network; resolves its address and the host pid of its node. */
function startApp(o: { name: string; network: string; profile: (typeof PROFILES)[number] }): { ip: string; pid: number } {
  const nodeBin = fs.realpathSync(process.execPath);
  execFileSync('docker', ['run', '-d', '--name', o.name, '--network', o.network, '-v', `${nodeBin}:/usr/local/bin/node:ro`, ...o.profile.mounts,
    'berth/base:bookworm', '/usr/local/bin/node', '-e', o.profile.js], { stdio: 'ignore' });
  const ip = execFileSync('docker', ['inspect', '-f', `{{(index .NetworkSettings.Networks "${o.network}").IPAddress}}`, o.name], { encoding: 'utf8' }).trim();
  const pid = Number(execFileSync('docker', ['inspect', '-f', '{{.State.Pid}}', o.name], { encoding: 'utf8' }).trim());
  return { ip, pid };
}

/** Alternating direct / routed rounds; CPU per request of the app, nginx's workers and wrk in the routed rounds. */
async function measure(o: { ip: string; appPid: number; routerPort: number; host: string; nginxDir: string }): Promise<ProfileResult> {
  const directUrl = `http://${o.ip}:5000/`;
  const routedUrl = `http://127.0.0.1:${o.routerPort}/`;
  for (let i = 0; i < 50 && spawnSync('wrk', ['-t1', '-c1', '-d1s', directUrl]).status !== 0; i++) await sleep(200);
  wrk(directUrl, { seconds: 2 }); // warm-up: JIT, connection pools
  wrk(routedUrl, { host: o.host, seconds: 2 });
  const direct: WrkResult[] = [];
  const routed: WrkResult[] = [];
  const cpu = { app: 0, nginx: 0, wrk: 0, requests: 0 };
  await alternate(ROUNDS, async () => {
    const r = wrk(directUrl, { seconds: 6 });
    direct.push(r);
    return r.rps;
  }, async () => {
    const workers = childrenOf(masterOf(o.nginxDir));
    const before = { app: cpuSecondsOf(o.appPid), nginx: workers.reduce((t, p) => t + cpuSecondsOf(p), 0) };
    const r = wrk(routedUrl, { host: o.host, seconds: 6 });
    routed.push(r);
    cpu.app += cpuSecondsOf(o.appPid) - before.app;
    cpu.nginx += workers.reduce((t, p) => t + cpuSecondsOf(p), 0) - before.nginx;
    cpu.wrk += r.cpuSeconds;
    cpu.requests += r.requests;
    return r.rps;
  });
  const us = (seconds: number) => (seconds / cpu.requests) * 1e6;
  return { direct, routed, cpuUs: { app: us(cpu.app), nginx: us(cpu.nginx), wrk: us(cpu.wrk) } };
}

/** Figures per round (routed vs direct of the same round), each as median (min–max) over the rounds. */
function profileFigures(label: string, r: ProfileResult): Figure[] {
  const added = (k: 'p50' | 'p99') => r.routed.map((x, i) => x[k] - r.direct[i][k]);
  return [
    { label: `throughput via router / direct, ${label}`, value: ratio({ a: r.routed.map((x) => x.rps), b: r.direct.map((x) => x.rps) }).text, target: '≥ 0.85' },
    { label: `requests/s direct | via router, ${label}`, value: `${spread(r.direct.map((x) => x.rps), 0)} | ${spread(r.routed.map((x) => x.rps), 0)}` },
    { label: `added latency p50 | p99 (ms), ${label}`, value: `${spread(added('p50'))} | ${spread(added('p99'))}` },
    { label: `CPU per routed request: app | nginx | wrk, ${label}`, value: `${r.cpuUs.app.toFixed(1)} | ${r.cpuUs.nginx.toFixed(1)} | ${r.cpuUs.wrk.toFixed(1)} µs` },
  ];
}

export async function run(): Promise<BenchResult> {
  if (spawnSync('wrk', ['-v']).error) throw new Error('wrk is not installed: apt-get install wrk');
  const id = crypto.randomBytes(3).toString('hex');
  const network = `berth-bench-router-${id}`;
  const containers: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-router-'));
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  let router: Router | null = null;
  try {
    execFileSync('docker', ['network', 'create', network], { stdio: 'ignore' });
    router = createNginxRouter({ dir, nginxBin: NGINX, httpPort: port, httpsPort: port + 1, listenAddress: '127.0.0.1', domain: 'bench.localhost' });
    await router.start();
    const figures: Figure[] = [];
    let ip = '';
    for (const profile of PROFILES) {
      const name = `berth-bench-router-${profile.key}-${id}`;
      containers.push(name);
      const app = startApp({ name, network, profile });
      ip = app.ip;
      const host = `${profile.key}.bench.localhost`;
      await router.apply({ app: `bench-${profile.key}`, domains: [host], upstreams: [{ host: app.ip, port: 5000 }] });
      figures.push(...profileFigures(profile.label, await measure({ ip: app.ip, appPid: app.pid, routerPort: port, host, nginxDir: dir })));
      spawnSync('docker', ['rm', '-f', name]); // the next profile gets the cores to itself
    }

    // 100 apps configured, then the cost of one more route change.
    const t0 = Date.now();
    for (let i = 0; i < 100; i++) {
      await router.apply({ app: `app-${i}`, domains: [`app-${i}.bench.localhost`, `www.app-${i}.example.test`], upstreams: [{ host: ip, port: 5000 }] });
    }
    const fill = Date.now() - t0;
    const reloads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = process.hrtime.bigint();
      await router.apply({ app: 'app-0', domains: [`app-0.bench.localhost`, `v${i}.app-0.example.test`], upstreams: [{ host: ip, port: 5000 }] });
      reloads.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    await sleep(1000); // old workers finish shutting down
    // After over 100 reloads nginx's master holds more than it needs (freed configs stay in its heap, and
    // workers fork from it); a restart with the same 100 apps shows what the configuration itself costs.
    const reloaded = nginxMemory(dir);
    await router.stop();
    await router.start();
    await sleep(1000);
    const fresh = nginxMemory(dir);
    figures.push(
      { label: 'route change with 100 apps (nginx -t + reload), median', value: `${median(reloads).toFixed(0)} ms` },
      { label: 'configuring 100 apps one by one', value: `${(fill / 1000).toFixed(1)} s` },
      { label: `nginx memory, master + ${fresh.workers} workers, 100 apps, fresh start: Pss (Rss summed)`, value: `${mib(fresh.pssKb)} MiB (${mib(fresh.rssKb)} MiB)` },
      { label: 'the same after configuring them one by one (100+ reloads)', value: `${mib(reloaded.pssKb)} MiB (${mib(reloaded.rssKb)} MiB)` },
    );
    return {
      name: 'router',
      figures,
      method: `wrk -t2 -c32, per app ${ROUNDS} rounds of 6 s direct and via router, alternating which goes first; median (min–max) over the rounds of each round's figure; node in a container on ${os.cpus().length} cores shared by wrk, nginx (worker_processes auto) and the app; CPU per request from /proc over the routed rounds`,
    };
  } finally {
    if (router) await router.stop().catch(() => undefined);
    for (const c of containers) spawnSync('docker', ['rm', '-f', c]);
    spawnSync('docker', ['network', 'rm', network]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().then((r) => {
    for (const f of r.figures as Figure[]) process.stdout.write(`${f.label}: ${f.value}${f.target ? ` (target ${f.target})` : ''}\n`);
  }).catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
}
