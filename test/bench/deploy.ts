/**
 * Deploy bench (issue #3): in one run, alternately, (a) `git push` to the first 200 through the
 * router and (b) the same work by hand — clone, `docker build`, `docker run`, wait for the port.
 * Each side gets a fresh cache-busting file, so both install dependencies from npm's registry.
 * Prints the ratio of medians a/b (target ≤ 1.25) and the no-change redeploy time (target < 5 s).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startBerth, uniqueName, httpGet, type BerthProcess } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { median, type BenchResult } from './bench-types';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function sh(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

async function until200(get: () => Promise<number>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await get().catch(() => 0) === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no 200 in time');
}

const direct = (ip: string) => new Promise<number>((resolve) => {
  http.get({ host: ip, port: 5000, path: '/', agent: false, timeout: 2000 }, (res) => { res.resume(); resolve(res.statusCode ?? 0); })
    .on('error', () => resolve(0));
});

async function byPush(berth: BerthProcess, wt: WorkTree): Promise<number> {
  const app = uniqueName('bench-push');
  wt.write('cachebust.txt', crypto.randomUUID());
  wt.commitAll('bust');
  const t0 = process.hrtime.bigint();
  const pushed = wt.push(berth.url, berth.token, app);
  if (pushed.code !== 0) throw new Error(pushed.output);
  await until200(async () => (await httpGet({ port: berth.routerPort, host: `${app}.localhost`, path: '/' })).status);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function byHand(wt: WorkTree, network: string): Promise<number> {
  wt.write('cachebust.txt', crypto.randomUUID());
  wt.commitAll('bust');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hand-'));
  const tag = `berth-bench/hand:${crypto.randomBytes(3).toString('hex')}`;
  const t0 = process.hrtime.bigint();
  sh('git', ['clone', '-q', wt.dir, dir]);
  sh('docker', ['build', '-q', '-t', tag, dir]);
  const id = sh('docker', ['run', '-d', '--network', network, '-e', 'PORT=5000', tag]);
  const ip = sh('docker', ['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, id]);
  await until200(() => direct(ip));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  spawnSync('docker', ['rm', '-f', id]);
  spawnSync('docker', ['rmi', '-f', tag]);
  fs.rmSync(dir, { recursive: true, force: true });
  return seconds;
}

export async function run(): Promise<BenchResult> {
  const berth = await startBerth();
  const wt = WorkTree.fromFixture('bench-node');
  try {
    spawnSync('docker', ['network', 'create', berth.env.BERTH_NETWORK]);
    const push: number[] = [];
    const hand: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      push.push(await byPush(berth, wt));
      hand.push(await byHand(wt, berth.env.BERTH_NETWORK));
    }
    // No-change redeploy: an empty commit to an app that is already deployed.
    const app = uniqueName('bench-redeploy');
    if (wt.push(berth.url, berth.token, app).code !== 0) throw new Error('first push failed');
    const redeploys: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      wt.commitAll('no change');
      const t0 = process.hrtime.bigint();
      const r = wt.push(berth.url, berth.token, app);
      if (r.code !== 0) throw new Error(r.output);
      redeploys.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    const ratio = median(push) / median(hand);
    return {
      name: 'deploy',
      method: `bench-node fixture (npm dependency, cache busted each round), ${ROUNDS} alternating rounds, medians`,
      figures: [
        { label: 'git push → first 200 via router (s)', value: median(push).toFixed(2) },
        { label: 'by hand: clone + docker build + run + port answers (s)', value: median(hand).toFixed(2) },
        { label: 'push / by-hand ratio', value: ratio.toFixed(2), target: '≤ 1.25' },
        { label: 'no-change redeploy push (s)', value: median(redeploys).toFixed(2), target: '< 5' },
      ],
    };
  } finally {
    wt.remove();
    await berth.destroy();
  }
}

if (require.main === module) {
  run().then((r) => { console.log(JSON.stringify(r, null, 2)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
}
