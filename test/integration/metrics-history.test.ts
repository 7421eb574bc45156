import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { DashboardSession } from '../support/dashboard-session';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';

/** A CGI script busybox httpd passes through as is (its output starts with a status line): a real 500 from the app. */
const FAIL_CGI = '#!/bin/sh\nprintf \'HTTP/1.0 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nboom\\n\'\n';
const PASSWORD = 'metrics admin password';
const MISSING = 7;
const FAILING = 4;

/** wrk against the app through the router: how many requests it completed. */
function wrkLoad(port: number, host: string, seconds: number): number {
  const out = execFileSync('wrk', ['-t1', '-c4', `-d${seconds}s`, '-H', `Host: ${host}`, `http://127.0.0.1:${port}/`], { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
  const m = /(\d+) requests in/.exec(out);
  if (!m) throw new Error(`wrk printed no count:\n${out}`);
  assert.doesNotMatch(out, /Non-2xx/, out);
  return Number(m[1]);
}

describe('metrics history: the router\'s requests and the containers\' samples per app (app/metrics)', function () {
  this.timeout(300_000);
  const app = uniqueName('mh');
  const dev = uniqueName('mhdev');
  const theirs = uniqueName('mhx');
  let wt: WorkTree | undefined;
  after(() => wt?.remove());
  // Samples every second, so the test waits seconds, not the default 30.
  const berth = useBerth({ BERTH_STATS_INTERVAL: '1', BERTH_ADMIN_PASSWORD: PASSWORD });

  before(async () => {
    wt = WorkTree.fromFixture('dockerfile-app');
    fs.mkdirSync(path.join(wt.dir, 'www/cgi-bin'), { recursive: true });
    fs.writeFileSync(path.join(wt.dir, 'www/cgi-bin/fail'), FAIL_CGI, { mode: 0o755 });
    wt.commitAll('a failing page');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
  });

  it('a wrk load, 404s and 500s show as requests with their status split, beside CPU and memory against the limit', async () => {
    const host = `${app}.localhost`;
    assert.equal((await berth.viaRouter(host, '/cgi-bin/fail')).status, 500);
    const loaded = wrkLoad(berth.routerPort, host, 2);
    for (let i = 0; i < MISSING; i++) assert.equal((await berth.viaRouter(host, '/no-such-page')).status, 404);
    for (let i = 0; i < FAILING - 1; i++) assert.equal((await berth.viaRouter(host, '/cgi-bin/fail')).status, 500);
    const h = await waitFor('the requests folded into the history', async () => {
      const res = await berth.api('GET', `/api/v1/apps/${app}/metrics?range=1h`);
      assert.equal(res.status, 200, res.text);
      const t = res.json.requests.total;
      const web = res.json.processes.find((p: { process: string }) => p.process === 'web');
      return t.s4xx >= MISSING && t.s5xx >= FAILING && t.s2xx >= loaded && web?.cpu.some((v: number | null) => v !== null) ? res.json : null;
    }, 60_000);
    const t = h.requests.total;
    assert.equal(t.s4xx, MISSING);
    assert.equal(t.s5xx, FAILING);
    assert.equal(t.s3xx, 0);
    assert.ok(t.s2xx >= loaded, `${t.s2xx} 2xx logged, wrk completed ${loaded}`);
    assert.ok(t.p50 !== null && t.p95 !== null && t.p95 >= t.p50, JSON.stringify(t));
    assert.equal(h.step, 1);
    // Per second: the buckets' requests add up to the total.
    assert.equal(Math.round(h.requests.rate.reduce((a: number, b: number) => a + b, 0)), t.requests);
    const web = h.processes.find((p: { process: string }) => p.process === 'web');
    assert.equal(web.memoryLimit, 512 * 1024 * 1024, 'berth\'s default limit, as docker holds it');
    assert.ok(web.memory.some((v: number | null) => v !== null && v > 0));
    assert.equal(web.restarts.reduce((a: number, v: number | null) => a + (v ?? 0), 0), 0);
    // The same requests are in the day's and the week's buckets.
    for (const range of ['24h', '7d']) {
      const wide = await berth.api('GET', `/api/v1/apps/${app}/metrics?range=${range}`);
      assert.equal(wide.json.requests.total.s4xx, MISSING, range);
      assert.equal(wide.json.requests.total.s5xx, FAILING, range);
    }
    const bad = await berth.api('GET', `/api/v1/apps/${app}/metrics?range=2w`);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.error, { code: 'INVALID_METRICS_RANGE', message: '"2w" is not a metrics range: use 1h, 24h or 7d.' });
    // The app page prints the values without a script.
    const admin = new DashboardSession(berth.url);
    await admin.login(PASSWORD);
    const page = await admin.get(`/apps/${app}/metrics`);
    assert.match(page.text, new RegExp(`<dd data-status-split>\\d+ / 0 / ${MISSING} / ${FAILING}</dd>`));
  });

  it('a developer who does not collaborate on the app is refused its metrics, on the API and the dashboard', async () => {
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: theirs })).status, 201);
    const created = await berth.api('POST', '/api/v1/users', { name: dev, role: 'developer', password: 'developer password 1' });
    assert.equal(created.status, 201, created.text);
    assert.equal(berth.cli(['apps:collaborators:add', theirs, dev]).code, 0);
    const refusal = { code: 'FORBIDDEN', message: `User "${dev}" (developer) may not read app "${app}": ask an admin to run \`berth apps:collaborators:add ${app} ${dev}\`.` };
    const api = await berth.api('GET', `/api/v1/apps/${app}/metrics`, undefined, created.json.token);
    assert.equal(api.status, 403);
    assert.deepEqual(api.json.error, refusal);
    assert.equal((await berth.api('GET', `/api/v1/apps/${theirs}/metrics`, undefined, created.json.token)).status, 200, 'their own app they read');
    const session = new DashboardSession(berth.url);
    await session.login('developer password 1', dev);
    const json = await session.get(`/apps/${app}/metrics.json`);
    assert.equal(json.status, 403);
    assert.deepEqual(JSON.parse(json.text).error, refusal);
    assert.equal((await session.get(`/apps/${theirs}/metrics.json`)).status, 200);
  });
});
