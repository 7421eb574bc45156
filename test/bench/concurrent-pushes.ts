import { startBerth, uniqueName } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { requireBerthStack } from '../support/requirements';
import { pushInBackground } from '../faults/fault-support';
import type { BenchResult } from './bench-types';

/**
 * N pushes to N different apps (BENCH_APPS, default 6; busybox fixture apps), first one after
 * another, then all at once, on the same berth (BERTH_BUILD_CONCURRENCY = BENCH_CONCURRENCY,
 * default 4). The ratio sequential / concurrent says how much parallel builds buy.
 */
export async function run(): Promise<BenchResult> {
  requireBerthStack();
  const n = Number(process.env.BENCH_APPS ?? 6);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
  const berth = await startBerth({ BERTH_BUILD_CONCURRENCY: String(concurrency) });
  const apps = Array.from({ length: n }, () => uniqueName('bench-cp'));
  const wts = apps.map(() => WorkTree.fromFixture('slow-build-app'));
  try {
    // Warm-up: first deploys (base image layers, networks, nginx), not measured.
    for (const [i, app] of apps.entries()) {
      const r = await pushInBackground(wts[i], berth, app).done;
      if (r.code !== 0) throw new Error(`warm-up push to ${app} failed:\n${r.output}`);
    }
    const round = (tag: string): void => wts.forEach((wt, i) => { wt.write('www/index.html', `${apps[i]} ${tag}\n`); wt.commitAll(tag); });

    round('sequential');
    let t = Date.now();
    for (const [i, app] of apps.entries()) {
      const r = await pushInBackground(wts[i], berth, app).done;
      if (r.code !== 0) throw new Error(`sequential push to ${app} failed:\n${r.output}`);
    }
    const sequential = (Date.now() - t) / 1000;

    round('concurrent');
    t = Date.now();
    const results = await Promise.all(apps.map((app, i) => pushInBackground(wts[i], berth, app).done));
    const concurrent = (Date.now() - t) / 1000;
    const failed = results.filter((r) => r.code !== 0).length;
    if (failed) throw new Error(`${failed} concurrent pushes failed:\n${results.find((r) => r.code !== 0)!.output}`);

    return {
      name: 'concurrent-pushes',
      method: `${n} pushes to ${n} apps one after another, then all at once, BERTH_BUILD_CONCURRENCY=${concurrency}; ratio = sequential / concurrent time.`,
      figures: [
        { label: `${n} pushes one after another`, value: `${sequential.toFixed(1)} s` },
        { label: `${n} pushes at once`, value: `${concurrent.toFixed(1)} s` },
        { label: 'speed-up (sequential / concurrent)', value: (sequential / concurrent).toFixed(2), target: '≥ 1.5' },
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
