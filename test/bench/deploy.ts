/**
 * Deploy bench (issue #3): in one run, side by side, (a) `git push` of a new commit to a deployed
 * app until the router answers 200, and (b) the same work by hand — export the commit's files
 * (as berth's snapshot does: no .git), `docker build`, `docker run` the new container, wait for
 * its port, remove the old one. Each round busts the dependency layer on both sides, so both
 * install from npm's registry; the order alternates per round (test/bench/rounds.ts). Prints the
 * per-round ratio a/b as median (min–max) (target ≤ 1.25) and the no-change redeploy time (< 5 s).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startBerth, uniqueName, httpGet, type BerthProcess } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';
import type { BenchResult } from './bench-types';
import { alternate, ratio, roundsFromEnv, spread } from './rounds';

const ROUNDS = roundsFromEnv();

function sh(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

const direct = (ip: string) => new Promise<number>((resolve) => {
  http.get({ host: ip, port: 5000, path: '/', agent: false, timeout: 2000 }, (res) => { res.resume(); resolve(res.statusCode ?? 0); })
    .on('error', () => resolve(0));
});

const routed = async (berth: BerthProcess, app: string) => (await httpGet({ port: berth.routerPort, host: `${app}.localhost`, path: '/' }).catch(() => ({ status: 0 }))).status;

/** A commit whose dependency layer misses the cache (cachebust.txt is copied before `npm ci`). */
function bust(wt: WorkTree): void {
  wt.write('cachebust.txt', crypto.randomUUID());
  wt.commitAll('bust');
}

async function byPush(berth: BerthProcess, wt: WorkTree, app: string): Promise<number> {
  bust(wt);
  const t0 = process.hrtime.bigint();
  const pushed = wt.push(berth.url, berth.token, app);
  if (pushed.code !== 0) throw new Error(pushed.output);
  await waitFor('the router to answer 200', async () => (await routed(berth, app)) === 200, 120_000);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** The hand-run app: one container serving at a time, as berth keeps one. */
class ByHand {
  private current: string | null = null;
  constructor(private readonly wt: WorkTree, private readonly network: string) {}

  async deploy(): Promise<number> {
    bust(this.wt);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hand-'));
    const tag = `berth-bench/hand:${crypto.randomBytes(3).toString('hex')}`;
    const t0 = process.hrtime.bigint();
    sh('bash', ['-c', 'git -C "$1" archive HEAD | tar -x -C "$2"', 'export', this.wt.dir, dir]);
    sh('docker', ['build', '-q', '-t', tag, dir]);
    const id = sh('docker', ['run', '-d', '--network', this.network, '-e', 'PORT=5000', tag]);
    const ip = sh('docker', ['inspect', '-f', `{{(index .NetworkSettings.Networks "${this.network}").IPAddress}}`, id]);
    await waitFor('the container to answer 200', async () => (await direct(ip)) === 200, 120_000);
    if (this.current) sh('docker', ['rm', '-f', this.current]);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    this.current = id;
    fs.rmSync(dir, { recursive: true, force: true });
    return seconds;
  }

  remove(): void {
    if (this.current) spawnSync('docker', ['rm', '-f', this.current]);
    spawnSync('bash', ['-c', 'docker images -q berth-bench/hand | xargs -r docker rmi -f']);
  }
}

export async function run(): Promise<BenchResult> {
  const berth = await startBerth();
  const wt = WorkTree.fromFixture('bench-node');
  const network = `${berth.env.BERTH_NETWORK}-bench-hand`;
  const hand = new ByHand(wt, network);
  try {
    sh('docker', ['network', 'create', network]);
    // Both sides start from a deployed app (not measured): a round is a redeploy on each side.
    const app = uniqueName('bench-deploy');
    await byPush(berth, wt, app);
    await hand.deploy();
    const s = await alternate(ROUNDS, () => byPush(berth, wt, app), () => hand.deploy());
    // No-change redeploy: an empty commit to the app that is already deployed.
    const redeploys: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      wt.git(['commit', '-q', '--allow-empty', '-m', 'no change']);
      const t0 = process.hrtime.bigint();
      const r = wt.push(berth.url, berth.token, app);
      if (r.code !== 0) throw new Error(r.output);
      redeploys.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    return {
      name: 'deploy',
      method: `bench-node fixture (npm dependency, layer busted each round on both sides), redeploy of a deployed app on each side, ${ROUNDS} rounds alternating which side goes first; median (min–max) over the rounds, the ratio taken per round`,
      figures: [
        { label: 'git push → 200 via router (s)', value: spread(s.a) },
        { label: 'by hand: export + docker build + run + port answers + old removed (s)', value: spread(s.b) },
        { label: 'push / by-hand ratio', value: ratio(s).text, target: '≤ 1.25' },
        { label: 'no-change redeploy push (s)', value: spread(redeploys), target: '< 5' },
      ],
    };
  } finally {
    hand.remove();
    spawnSync('docker', ['network', 'rm', network]);
    wt.remove();
    await berth.destroy();
  }
}

if (require.main === module) {
  run().then((r) => { console.log(JSON.stringify(r, null, 2)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
}
