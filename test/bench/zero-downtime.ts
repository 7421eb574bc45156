import fs from 'node:fs';
import { startBerth, uniqueName } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { describeLoad, steadyLoad } from '../support/load';
import { waitFor } from '../support/poll';
import { requireBerthStack } from '../support/requirements';
import { median, type BenchResult } from './bench-types';

/**
 * Requests served and failed through the router while an app is redeployed N times
 * (BENCH_REDEPLOYS, default 5) under a steady load (BENCH_RPS, default 50 per second) in which
 * every BENCH_SLOW_EVERY-th request (default 10th) takes 1–20 s, so every redeploy replaces a
 * container that is serving slow requests. Every failure counts, resets on reused keep-alive
 * sockets too (the load retries nothing). berth runs with its production retire-wait (60 s).
 */
export async function run(): Promise<BenchResult> {
  requireBerthStack();
  const redeploys = Number(process.env.BENCH_REDEPLOYS ?? 5);
  const rps = Number(process.env.BENCH_RPS ?? 50);
  const slowEvery = Number(process.env.BENCH_SLOW_EVERY ?? 10);
  // BENCH_RETIRE_WAIT=2 shows what the old fixed 2 s wait did to the same load.
  const retireWait = process.env.BENCH_RETIRE_WAIT ?? '60';
  const berth = await startBerth({ BERTH_RETIRE_WAIT: retireWait, BERTH_STOP_TIMEOUT: '30' });
  const wt = WorkTree.fromFixture('multi-process-app');
  const app = uniqueName('bench-zdt');
  try {
    fs.chmodSync(berth.home, 0o755);
    if (wt.push(berth.url, berth.token, app).code !== 0) throw new Error('the first push failed');
    const load = await steadyLoad({
      port: berth.routerPort, host: `${app}.localhost`, rps, maxSeconds: 3600,
      slow: { every: slowEvery, minMs: 1000, maxMs: 20_000, path: '/cgi-bin/slow?{ms}' },
    });
    // Slow requests in flight before the first redeploy: polled, not slept (the load sends them all along).
    await waitFor('slow requests being answered', () => load.progress().slowOk >= 1, 120_000);
    const seconds: number[] = [];
    for (let i = 2; i <= redeploys + 1; i++) {
      wt.write('www/index.html', `v${i}\n`);
      wt.commitAll(`v${i}`);
      const t0 = Date.now();
      const pushed = wt.push(berth.url, berth.token, app);
      seconds.push((Date.now() - t0) / 1000);
      if (pushed.code !== 0) throw new Error(`push ${i} failed:\n${pushed.output}`);
      // New slow requests reach the new container before the next redeploy replaces it: wait until
      // two more are sent after the push returned (the router already points at the new release).
      const slowBefore = load.progress().slowSent;
      await waitFor(`slow requests sent to v${i}`, () => load.progress().slowSent >= slowBefore + 2, 120_000);
    }
    // stop() waits for every request in flight, the 20 s ones too.
    const r = await load.stop();
    const events = (await berth.api('GET', `/api/v1/events?app=${app}&limit=200`)).json.events as { kind: string; message: string }[];
    const retired = events.filter((e) => e.kind === 'ps.retired' && /\.web\.\d+\./.test(e.message));
    const drained = retired.filter((e) => /no open connection left/.test(e.message)).length;
    if (process.env.BENCH_VERBOSE) process.stdout.write(`${describeLoad(r)}\n${retired.map((e) => e.message).join('\n')}\n`);
    return {
      name: 'zero-downtime',
      figures: [
        { label: 'redeploys (git push) under load', value: String(redeploys) },
        { label: 'requests sent / of them slow (1–20 s)', value: `${r.sent} / ${r.slowSent}` },
        { label: 'failed (non-2xx, errors)', value: String(r.failed), target: '0' },
        { label: 'slow requests failed', value: String(r.slowSent - r.slowOk), target: '0' },
        { label: 'resets / of them on reused keep-alive sockets', value: `${r.resets} / ${r.resetsOnReusedSockets}`, target: '0 / 0' },
        { label: 'sent again: reused socket closed before any answer (browser rule)', value: String(r.retriedOnReusedSockets) },
        { label: 'old web containers drained to 0 connections before SIGTERM', value: `${drained} of ${retired.length}` },
        { label: 'push time per redeploy, median (min–max)', value: `${median(seconds).toFixed(2)} s (${Math.min(...seconds).toFixed(2)}–${Math.max(...seconds).toFixed(2)})` },
      ],
      method: `\`npm run bench -- zero-downtime\`: ${redeploys} pushes of multi-process-app under ${rps} requests/s, every ${slowEvery}th one /cgi-bin/slow for 1–20 s, over keep-alive, only the browser's retry of a reused socket closed before any answer (counted apart); BERTH_RETIRE_WAIT=${retireWait}, BERTH_STOP_TIMEOUT=30`,
    };
  } finally {
    wt.remove();
    await berth.destroy();
  }
}

if (require.main === module) {
  run().then((r) => {
    for (const f of r.figures as { label: string; value: string }[]) process.stdout.write(`${f.label}: ${f.value}\n`);
  }, (e: Error) => {
    process.stderr.write(`zero-downtime bench failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  });
}
