/**
 * Reconcile after a dockerd restart, at 10, 100 and 1,000 apps (issue 24):
 * `npm run bench -- scale-reconcile`. The machine's dockerd is shared and never restarted, so berth
 * runs here on a host of its own (test/support/netns-host.ts, as the reboot fault test): its own
 * dockerd (own data-root, vfs) in a network namespace, its own redis-server, berth (web and worker
 * in one `berth start`) and the nginx it starts, all inside. Per size, BENCH_SCALE_CONTAINERS (20)
 * apps run one tiny busybox container each (restart policy unless-stopped, berth's default) and the
 * rest are created and never deployed, as in scale.ts. Each round SIGTERMs that dockerd (its
 * containers stop with it), waits until a reconcile pass of the running berth has failed on the
 * missing engine, starts dockerd again (it restarts the unless-stopped containers itself), and
 * reads the next whole pass's time from berth's log (`reconcile: pass over N apps in M ms after a
 * failed one`; no app failed in it): the worker's first full pass over every app (their containers, routes, the router's list)
 * once the engine is back (a pass that began while dockerd was still starting counts that wait).
 * Also timed: from starting dockerd, and from dockerd answering again, until that pass ended, and
 * until every deployed app answers through berth's router. Everything is removed at the end.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ownImageLabel } from '../support/app-images';
import { BerthProcess, ROOT } from '../support/berth-process';
import { NetnsHost } from '../support/netns-host';
import { median, type BenchResult, type Figure } from './bench-types';
import { growth } from './scale';

const MAIN = path.join(ROOT, 'dist/app/main.js');
const SIZES = (process.env.BENCH_SCALE_SIZES ?? '10,100,1000').split(',').map(Number);
const CONTAINERS = Number(process.env.BENCH_SCALE_CONTAINERS ?? 20);
const ROUNDS = Number(process.env.BENCH_RECONCILE_ROUNDS ?? 3);
/** Inside the namespace every port is free. */
const PORTS = { api: 8380, http: 8080, https: 8443, redis: 6390 };
const name = (i: number) => `scale-${String(i).padStart(4, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PASS_AFTER_FAILED = /reconcile: pass over (\d+) apps in (\d+) ms after a failed one \(started (\d+), removed (\d+)\)/g;

interface Round { readonly passMs: number; readonly startToPassEndMs: number; readonly backToPassEndMs: number; readonly backToServingMs: number; readonly started: number; readonly apps: number }
interface SizeResult { readonly apps: number; readonly rounds: Round[] }

async function until(what: string, ok: () => boolean | Promise<boolean>, ms: number, log: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await ok()) return;
    await sleep(100);
  }
  throw new Error(`${what} within ${ms / 1000} s; berth's log ends:\n${log().slice(-3000)}`);
}

export async function run(): Promise<BenchResult> {
  const started = Date.now();
  const host = new NetnsHost();
  const results: SizeResult[] = [];
  try {
    await host.boot();
    fs.chmodSync(host.dir, 0o755);
    const home = path.join(host.dir, 'home');
    fs.mkdirSync(home, { mode: 0o755 });
    fs.mkdirSync(path.join(host.dir, 'redis'));
    const logFile = path.join(host.dir, 'berth.log');
    const berthLog = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
    const load = spawnSync('sh', ['-c', 'docker save berth/busybox:latest | docker -H "unix://$0" load', host.socket], { encoding: 'utf8' });
    if (load.status !== 0) throw new Error(`loading berth/busybox into the bench's dockerd: ${load.stderr}`);
    const env: Record<string, string> = {
      BERTH_HOME: home, BERTH_HOST: '0.0.0.0', BERTH_PORT: String(PORTS.api), BERTH_ROUTER_PORT: String(PORTS.http),
      BERTH_ROUTER_HTTPS_PORT: String(PORTS.https), REDIS_URL: `redis://127.0.0.1:${PORTS.redis}`, DOCKER_SOCKET: host.socket,
      BERTH_NETWORK: 'berth-scale', BERTH_REDIS_PREFIX: 'berth-scale', BERTH_SSH_PORT: '0', BERTH_RECONCILE_INTERVAL: '2',
      BERTH_RETIRE_WAIT: '1', BERTH_STOP_TIMEOUT: '5', BERTH_BOOT_ID_FILE: host.bootIdFile,
    };
    const berth = new BerthProcess(home, env);
    berth.address = host.nsAddr;
    host.spawnDaemon('redis-server', ['--port', String(PORTS.redis), '--bind', '127.0.0.1', '--dir', path.join(host.dir, 'redis'), '--save', '', '--daemonize', 'no'],
      { env: process.env, log: path.join(host.dir, 'redis.log') });
    await until('redis-server answers', () => host.runInside('redis-cli', ['-p', String(PORTS.redis), 'ping']).stdout.trim() === 'PONG', 30_000, berthLog);
    const boot = host.runInside(process.execPath, [MAIN, 'admin:bootstrap'], { ...process.env, ...env });
    if (boot.status !== 0) throw new Error(`admin:bootstrap: ${boot.stderr}`);
    berth.token = JSON.parse(boot.stdout.trim().split('\n').pop()!).token;
    host.spawnDaemon(process.execPath, [MAIN, 'start'], { env: { ...process.env, ...env }, log: logFile, cwd: ROOT });
    await until('berth answers /healthz', async () => (await berth.api('GET', '/healthz').catch(() => ({ status: 0 }))).status === 200, 60_000, berthLog);

    let have = 0;
    let deployed = 0;
    for (const size of SIZES) {
      for (; have < size; have++) {
        const r = await berth.api('POST', '/api/v1/apps', { name: name(have) });
        if (r.status !== 201) throw new Error(`apps create ${name(have)}: ${r.status} ${r.text}`);
      }
      for (; deployed < Math.min(size, CONTAINERS); deployed++) {
        const app = name(deployed);
        const image = `scale-bench/${app}:1`;
        const built = spawnSync('docker', ['-H', `unix://${host.socket}`, 'build', '-q', '-t', image, '-'], {
          input: `FROM berth/busybox:latest\n${ownImageLabel(`${app}-${host.id}`)}RUN mkdir -p /www && echo ${app} > /www/index.html\nEXPOSE 8000\nCMD ["httpd", "-f", "-p", "8000", "-h", "/www"]\n`,
          encoding: 'utf8',
        });
        if (built.status !== 0) throw new Error(`docker build: ${built.stderr}`);
        const dep = await berth.api('POST', `/api/v1/apps/${app}/deploys`, { image });
        if (dep.status !== 202) throw new Error(`deploy ${app}: ${dep.text}`);
        const log = (await berth.api('GET', `/api/v1/apps/${app}/builds/${dep.json.build.id}/log?follow=1`)).text;
        if (!/@@berth-status succeeded/.test(log)) throw new Error(`deploy ${app} failed:\n${log.slice(-2000)}`);
      }
      const serving = async () => {
        for (let i = 0; i < deployed; i++) {
          const r = await berth.viaRouter(`${name(i)}.localhost`).catch(() => ({ status: 0, text: '' }));
          if (r.status !== 200 || r.text !== `${name(i)}\n`) return false;
        }
        return true;
      };
      await until(`the ${deployed} deployed apps to answer`, serving, 120_000, berthLog);
      const rounds: Round[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const seen = [...berthLog().matchAll(PASS_AFTER_FAILED)].length;
        const logged = berthLog().length;
        await host.stopEngine();
        // A pass has failed on the missing engine: the next one that ends is the pass after the restart.
        await until('a reconcile pass to fail on the stopped dockerd', () => /reconcile: (?!.*pass over)/.test(berthLog().slice(logged)), 120_000, berthLog);
        const starting = Date.now();
        await host.startEngine();
        const back = Date.now();
        await until('the reconcile pass after the restart', () => [...berthLog().matchAll(PASS_AFTER_FAILED)].length > seen, 600_000, berthLog);
        const passEnd = Date.now();
        await until('every deployed app to answer again', serving, 300_000, berthLog);
        const m = [...berthLog().matchAll(PASS_AFTER_FAILED)][seen];
        rounds.push({ apps: Number(m[1]), passMs: Number(m[2]), started: Number(m[3]), startToPassEndMs: passEnd - starting, backToPassEndMs: passEnd - back, backToServingMs: Date.now() - back });
        process.stdout.write(`       ${size} apps, round ${round + 1}: pass ${m[2]} ms over ${m[1]} apps (berth started ${m[3]}), dockerd started -> pass seen ${passEnd - starting} ms, dockerd answering -> pass seen ${passEnd - back} ms, -> serving ${Date.now() - back} ms\n`);
      }
      results.push({ apps: size, rounds });
    }
  } finally {
    await host.destroy();
  }
  const sizes = results.map((r) => r.apps);
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const med = (f: (r: Round) => number) => results.map((s) => median(s.rounds.map(f)));
  const spread = (f: (r: Round) => number) => results.map((s) => `${s.apps}: ${Math.min(...s.rounds.map(f))}–${Math.max(...s.rounds.map(f))}`).join(' · ');
  const row = (label: string, f: (r: Round) => number): Figure => {
    const values = med(f);
    return { label, value: `${values.map((v, i) => `${sizes[i]}: ${ms(v)}`).join(' · ')}${sizes.length > 1 ? ` — ${growth(sizes, values, ms)}` : ''} (range ${spread(f)})` };
  };
  const figures: Figure[] = [
    row(`reconcile pass after a dockerd restart: berth's first whole pass once the engine is back, as berth logs it (median of ${ROUNDS}; a pass that began while dockerd was still starting counts that wait)`, (r) => r.passMs),
    row('dockerd started again → that pass ended (dockerd\'s own start included: what an operator waits for)', (r) => r.startToPassEndMs),
    row('dockerd answering again (polled every 200 ms) → that pass ended', (r) => r.backToPassEndMs),
    row(`dockerd answering again → all ${Math.min(CONTAINERS, Math.max(...sizes))} running apps answer through the router`, (r) => r.backToServingMs),
    { label: 'containers berth started in that pass (dockerd restarts unless-stopped ones itself)', value: results.map((s) => `${s.apps}: ${s.rounds.map((r) => r.started).join('/')}`).join(' · ') },
    { label: 'whole bench', value: `${((Date.now() - started) / 60_000).toFixed(1)} min` },
  ];
  return {
    name: 'scale-reconcile',
    figures,
    method: `\`npm run bench -- scale-reconcile\`: sizes ${sizes.join(', ')} on ${os.cpus().length} cores (load average at the end ${os.loadavg()[0].toFixed(1)}); one berth (\`berth start\`: web and worker in one process, reconcile every 2 s) on a host of its own (its own dockerd with vfs storage in a network namespace, its own redis-server, the nginx berth starts: test/support/netns-host.ts), ${CONTAINERS} apps running a busybox container and the rest never deployed; each round SIGTERMs that dockerd (its containers stop with it), waits for a reconcile pass to fail, starts dockerd again and reads berth's next whole pass (no app failed) from its log ("pass over N apps in M ms after a failed one"), and times from starting dockerd and from dockerd answering to that pass's end and to every running app answering through berth's router; the machine's shared dockerd is never touched`,
  };
}

if (require.main === module) {
  run().then((r) => {
    for (const f of r.figures as Figure[]) process.stdout.write(`${f.label}: ${f.value}\n`);
  }).catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
}
