/**
 * Router bench: wrk straight to an app container vs through berth's nginx, in one run (same
 * container, alternating rounds), printing the throughput ratio (target ≥ 0.85) and the latency
 * nginx adds at p50/p99. Then 100 apps configured: how long one route change (nginx -t + reload)
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

const NGINX = fs.existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
const SERVER_JS = `require('http').createServer((q, s) => { s.setHeader('content-type', 'text/plain'); s.end('hello from the app\\n'); }).listen(5000, '0.0.0.0');`;

interface WrkResult { rps: number; p50: number; p99: number }

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v.trim());
  if (!m) throw new Error(`wrk latency ${v}`);
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

function wrk(url: string, host: string | null, seconds: number): WrkResult {
  const args = ['-t2', '-c32', `-d${seconds}s`, '--latency', ...(host ? ['-H', `Host: ${host}`] : []), url];
  const out = execFileSync('wrk', args, { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p50 = toMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  if (!rps) throw new Error(`wrk printed no rate:\n${out}`);
  if (/Non-2xx/.test(out)) throw new Error(`wrk saw errors:\n${out}`);
  return { rps, p50, p99 };
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** The master (from the pid file) and every process whose parent it is. */
function nginxRssKb(dir: string): { kb: number; workers: number } {
  const master = Number(fs.readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim());
  let kb = rssKb(master);
  let workers = 0;
  for (const p of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === master) { kb += rssKb(Number(p)); workers++; }
    } catch { /* exited */ }
  }
  return { kb, workers };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<BenchResult> {
  if (spawnSync('wrk', ['-v']).error) throw new Error('wrk is not installed: apt-get install wrk');
  const id = crypto.randomBytes(3).toString('hex');
  const network = `berth-bench-router-${id}`;
  const container = `berth-bench-router-${id}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-router-'));
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const nodeBin = fs.realpathSync(process.execPath);
  let router: Router | null = null;
  try {
    execFileSync('docker', ['network', 'create', network], { stdio: 'ignore' });
    execFileSync('docker', ['run', '-d', '--name', container, '--network', network, '-v', `${nodeBin}:/usr/local/bin/node:ro`,
      'berth/base:bookworm', '/usr/local/bin/node', '-e', SERVER_JS], { stdio: 'ignore' });
    const ip = execFileSync('docker', ['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, container], { encoding: 'utf8' }).trim();
    router = createNginxRouter({ dir, nginxBin: NGINX, httpPort: port, httpsPort: port + 1, listenAddress: '127.0.0.1', domain: 'bench.localhost' });
    await router.start();
    await router.apply({ app: 'bench', domains: ['bench.localhost'], upstreams: [{ host: ip, port: 5000 }] });
    for (let i = 0; i < 50 && spawnSync('wrk', ['-t1', '-c1', '-d1s', `http://${ip}:5000/`]).status !== 0; i++) await sleep(200);

    const direct: WrkResult[] = [];
    const routed: WrkResult[] = [];
    wrk(`http://${ip}:5000/`, null, 2); // warm-up
    wrk(`http://127.0.0.1:${port}/`, 'bench.localhost', 2);
    for (let round = 0; round < 3; round++) {
      direct.push(wrk(`http://${ip}:5000/`, null, 6));
      routed.push(wrk(`http://127.0.0.1:${port}/`, 'bench.localhost', 6));
    }
    const d = { rps: median(direct.map((r) => r.rps)), p50: median(direct.map((r) => r.p50)), p99: median(direct.map((r) => r.p99)) };
    const r = { rps: median(routed.map((x) => x.rps)), p50: median(routed.map((x) => x.p50)), p99: median(routed.map((x) => x.p99)) };

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
    const mem = nginxRssKb(dir);

    const figures: Figure[] = [
      { label: 'throughput via router / direct', value: (r.rps / d.rps).toFixed(2), target: '≥ 0.85' },
      { label: 'requests/s direct | via router', value: `${d.rps.toFixed(0)} | ${r.rps.toFixed(0)}` },
      { label: 'added latency p50', value: `${(r.p50 - d.p50).toFixed(2)} ms` },
      { label: 'added latency p99', value: `${(r.p99 - d.p99).toFixed(2)} ms` },
      { label: 'route change with 100 apps (nginx -t + reload), median', value: `${median(reloads).toFixed(0)} ms` },
      { label: 'configuring 100 apps one by one', value: `${(fill / 1000).toFixed(1)} s` },
      { label: `nginx RSS, master + ${mem.workers} workers, 100 apps`, value: `${(mem.kb / 1024).toFixed(1)} MiB` },
    ];
    return {
      name: 'router',
      figures,
      method: `wrk -t2 -c32, 3 alternating 6 s rounds (medians), node http server in a container on ${os.cpus().length} cores; wrk, nginx and the app share the machine`,
    };
  } finally {
    if (router) await router.stop().catch(() => undefined);
    spawnSync('docker', ['rm', '-f', container]);
    spawnSync('docker', ['network', 'rm', network]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().then((r) => {
    for (const f of r.figures as Figure[]) process.stdout.write(`${f.label}: ${f.value}${f.target ? ` (target ${f.target})` : ''}\n`);
  }).catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
}
