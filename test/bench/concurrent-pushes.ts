import crypto from 'node:crypto';
import { startBerth, uniqueName } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { requireBerthStack } from '../support/requirements';
import { pushInBackground } from '../faults/fault-support';
import type { BenchResult } from './bench-types';
import { alternate, ratio, roundsFromEnv, spread } from './rounds';

/**
 * N pushes to N different apps (BENCH_APPS, default 4), one after another versus all at once, on
 * the same berth (BERTH_BUILD_CONCURRENCY = BENCH_CONCURRENCY, default 4). Every push is a real
 * build: the bench-node fixture with its dependency layer busted, so each one runs `npm ci`
 * against npm's registry. Both sides run in every round, alternating which goes first
 * (test/bench/rounds.ts); the speed-up is sequential / concurrent per round, median (min–max).
 */
export async function run(): Promise<BenchResult> {
  requireBerthStack();
  const n = Number(process.env.BENCH_APPS ?? 4);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
  const rounds = roundsFromEnv();
  const berth = await startBerth({ BERTH_BUILD_CONCURRENCY: String(concurrency) });
  const apps = Array.from({ length: n }, () => uniqueName('bench-cp'));
  const wts = apps.map(() => WorkTree.fromFixture('bench-node'));
  const bust = (i: number): void => { wts[i].write('cachebust.txt', crypto.randomUUID()); wts[i].commitAll('bust'); };
  const push = async (i: number, side: string): Promise<void> => {
    const r = await pushInBackground(wts[i], berth, apps[i]).done;
    if (r.code !== 0) throw new Error(`${side} push to ${apps[i]} failed:\n${r.output}`);
  };
  try {
    // Warm-up: first deploys (base image layers, networks, nginx), not measured.
    for (let i = 0; i < n; i++) await push(i, 'warm-up');
    const sequential = async (): Promise<number> => {
      apps.forEach((_, i) => bust(i));
      const t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await push(i, 'sequential');
      return Number(process.hrtime.bigint() - t) / 1e9;
    };
    const concurrent = async (): Promise<number> => {
      apps.forEach((_, i) => bust(i));
      const t = process.hrtime.bigint();
      await Promise.all(apps.map((_, i) => push(i, 'concurrent')));
      return Number(process.hrtime.bigint() - t) / 1e9;
    };
    const s = await alternate(rounds, sequential, concurrent);
    return {
      name: 'concurrent-pushes',
      method: `${n} pushes to ${n} apps (bench-node, npm ci each) one after another vs all at once, BERTH_BUILD_CONCURRENCY=${concurrency}, ${rounds} rounds alternating which goes first; median (min–max), speed-up taken per round`,
      figures: [
        { label: `${n} pushes one after another (s)`, value: spread(s.a, 1) },
        { label: `${n} pushes at once (s)`, value: spread(s.b, 1) },
        { label: 'speed-up (sequential / concurrent)', value: ratio(s).text, target: '≥ 1.5' },
      ],
    };
  } finally {
    wts.forEach((wt) => wt.remove());
    await berth.destroy();
  }
}

if (require.main === module) {
  run().then((r) => {
    for (const f of r.figures as { label: string; value: string }[]) process.stdout.write(`${f.label}: ${f.value}\n`);
  }, (e: Error) => {
    process.stderr.write(`concurrent-pushes bench failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  });
}
