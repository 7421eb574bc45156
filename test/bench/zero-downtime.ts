import fs from 'node:fs';
import { startBerth, uniqueName } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { steadyLoad } from '../support/load';
import { requireBerthStack } from '../support/requirements';

/**
 * Requests served and failed through the router while an app is redeployed N times
 * (BENCH_REDEPLOYS, default 5) under a steady load (BENCH_RPS, default 50 per second).
 */
export async function run(): Promise<{ name: string; figures: Record<string, number> }> {
  requireBerthStack();
  const redeploys = Number(process.env.BENCH_REDEPLOYS ?? 5);
  const rps = Number(process.env.BENCH_RPS ?? 50);
  const berth = await startBerth();
  const wt = WorkTree.fromFixture('multi-process-app');
  const app = uniqueName('bench-zdt');
  try {
    fs.chmodSync(berth.home, 0o755);
    if (wt.push(berth.url, berth.token, app).code !== 0) throw new Error('the first push failed');
    const load = await steadyLoad({ port: berth.routerPort, host: `${app}.localhost`, rps, maxSeconds: 3600 });
    const started = Date.now();
    for (let i = 2; i <= redeploys + 1; i++) {
      wt.write('www/index.html', `v${i}\n`);
      wt.commitAll(`v${i}`);
      const pushed = wt.push(berth.url, berth.token, app);
      if (pushed.code !== 0) throw new Error(`push ${i} failed:\n${pushed.output}`);
    }
    const deploySeconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const r = await load.stop();
    return {
      name: 'zero-downtime',
      figures: {
        redeploys,
        requests: r.sent,
        served: r.ok,
        failed: r.failed,
        failedRatio: r.sent ? r.failed / r.sent : 0,
        retriedStaleConnections: r.retriedStaleConnections,
        secondsPerRedeploy: Number((deploySeconds / redeploys).toFixed(2)),
      },
    };
  } finally {
    wt.remove();
    await berth.destroy();
  }
}

if (require.main === module) {
  run().then((r) => {
    const f = r.figures;
    process.stdout.write(`${r.name}: ${f.redeploys} redeploys under load, ${f.served}/${f.requests} requests served, ${f.failed} failed (ratio ${f.failedRatio}), ${f.retriedStaleConnections} stale keep-alive retries, ${f.secondsPerRedeploy} s per redeploy\n`);
  }, (e: Error) => {
    process.stderr.write(`zero-downtime bench failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  });
}
