/**
 * Dashboard bench (issue #8): (1) server time to render the apps overview with 100 apps, over
 * loopback with a logged-in session (median of 30 requests); (2) latency from a line printed
 * by an app container to it arriving in the page's runtime-log stream (SSE), median of 10:
 * the fixture app prints `said: <word>` when /cgi-bin/say?<word> is requested through the router.
 * Targets: under 100 ms and under 500 ms.
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { adminCookie } from '../support/dashboard-session';
import { median, type BenchResult } from './bench-types';

const PASSWORD = 'bench dashboard password';

/** Opens the page's SSE log stream; `wait(text)` resolves when a line containing text arrives. */
function openLogStream(berth: BerthProcess, cookie: string, app: string) {
  const waiters: Array<{ text: string; resolve: (at: number) => void }> = [];
  let buffer = '';
  const req = http.get(`${berth.url}/apps/${app}/logs/stream`, { headers: { cookie }, agent: false }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const at = performance.now();
      buffer += chunk;
      for (const w of [...waiters]) {
        if (buffer.includes(w.text)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(at); }
      }
      buffer = buffer.slice(-4096);
    });
  });
  req.on('error', () => undefined);
  return {
    wait: (text: string) => new Promise<number>((resolve) => waiters.push({ text, resolve })),
    close: () => req.destroy(),
  };
}

export async function run(): Promise<BenchResult> {
  const berth = await startBerth({ BERTH_ADMIN_PASSWORD: PASSWORD });
  const wt = WorkTree.fromFixture('dashboard-app');
  try {
    const cookie = await adminCookie(berth.url, PASSWORD);
    for (let i = 0; i < 99; i++) await berth.api('POST', '/api/v1/apps', { name: `bench-${String(i).padStart(3, '0')}` });
    const app = uniqueName('bench-logs');
    const pushed = wt.push(berth.url, berth.token, app);
    if (pushed.code !== 0) throw new Error(`push failed:\n${pushed.output}`);

    const renders: number[] = [];
    for (let i = 0; i < 35; i++) {
      const t0 = performance.now();
      const res = await fetch(`${berth.url}/`, { headers: { cookie, connection: 'close' } }); // no idle keep-alive socket races
      const html = await res.text();
      if (i >= 5) renders.push(performance.now() - t0); // the first few warm up templates and SQLite
      if (!html.includes('bench-098')) throw new Error('overview did not list the apps');
    }

    const stream = openLogStream(berth, cookie, app);
    await stream.wait('dashboard-app starting'); // the stream is attached to the container
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const word = `bench-${i}-${Date.now()}`;
      const arrived = stream.wait(`said: ${word}`);
      const t0 = performance.now();
      await berth.viaRouter(`${app}.localhost`, `/cgi-bin/say?${word}`);
      latencies.push((await arrived) - t0);
    }
    stream.close();
    return {
      name: 'dashboard',
      method: 'overview GET / with 100 apps over loopback (median of 30, logged in); container line → SSE runtime-log stream (median of 10)',
      figures: [
        { label: 'overview render, 100 apps', value: `${median(renders).toFixed(1)} ms`, target: '< 100 ms' },
        { label: 'container line → page log stream', value: `${median(latencies).toFixed(0)} ms`, target: '< 500 ms' },
        { label: 'log stream latency, worst of 10', value: `${Math.max(...latencies).toFixed(0)} ms` },
      ],
    };
  } finally {
    wt.remove();
    await berth.destroy();
    spawnSync('docker', ['rmi', '-f', ...spawnSync('docker', ['images', '-q', '--filter', 'reference=berth/bench-logs-*'], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean)]);
  }
}

if (require.main === module) {
  run().then((r) => { console.log(JSON.stringify(r, null, 2)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
}
