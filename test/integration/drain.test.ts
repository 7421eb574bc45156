import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { countOpen } from '../../app/infra/docker/connections';
import { ROOT, uniqueName, type BerthProcess } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';
import { pushInBackground } from '../faults/fault-support';

/*
 * Issue 27: old containers drain before they stop. Four apps of test/fixtures/apps/drain-app, one
 * per way of replacing containers, run at once so the slowest request (25 s) sets the test's length:
 * a redeploy (config:set), a scale 3→1, a restart and a rollback, each with requests of 0.1, 1, 5, 15
 * and 25 s in flight. berth is killed and started again while they drain, so the drains that finish
 * are the ones the new process resumed from SQLite.
 */

const CLI = path.join(ROOT, 'dist/app/cli/main.js');
const DURATIONS_MS = [100, 1000, 5000, 15_000, 25_000];
const EACH = 3;
/**
 * Requests surely still open at the containers when the operations start: the 15 and 25 s ones
 * (on a busy machine the 5 s ones may have ended by the time all four apps are checked).
 */
const LONG = EACH * 2;

interface Answer { status: number; body: string }

/** The CLI without blocking this process (the requests and the SSE stream must be read meanwhile). */
function cli(berth: BerthProcess, args: string[]): Promise<{ code: number; out: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...berth.env, BERTH_URL: berth.url, BERTH_TOKEN: berth.token, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, out })));
}

/** One GET through the router on its own connection; a reset or a cut answer rejects. */
function slowGet(port: number, host: string, ms: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/slow?ms=${ms}`, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** An SSE stream through the router: every event as it arrives, and how the stream ended. */
function openStream(port: number, host: string) {
  const events: string[] = [];
  let buffered = '';
  const ended = new Promise<string>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/events', headers: { host }, agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buffered += c;
        const parts = buffered.split('\n\n');
        buffered = parts.pop() ?? '';
        events.push(...parts);
      });
      res.on('end', () => resolve('end'));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  return { events, ended };
}

function docker(args: string[]): string {
  return spawnSync('docker', args, { encoding: 'utf8' }).stdout.trim();
}

function webContainers(berth: BerthProcess, app: string): string[] {
  return docker(['ps', '-q', '--filter', `label=berth.app=${app}`, '--filter', 'label=berth.process=web', '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}`])
    .split('\n').filter(Boolean);
}

/** Open connections to port 5000 of the app's web containers, read as berth reads them. */
function openConnections(berth: BerthProcess, app: string): number {
  let n = 0;
  for (const id of webContainers(berth, app)) {
    const pid = docker(['inspect', '-f', '{{.State.Pid}}', id]);
    for (const table of ['tcp', 'tcp6']) {
      try { n += countOpen(fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8'), 5000); } catch { /* gone meanwhile */ }
    }
  }
  return n;
}

/** The app's `ps.retired` events after event `afterId`, oldest first. */
async function retiredEvents(berth: BerthProcess, app: string, afterId: number): Promise<string[]> {
  const r = await berth.api('GET', `/api/v1/events?app=${app}&limit=50`);
  return (r.json.events as { id: number; kind: string; message: string }[])
    .filter((e) => e.kind === 'ps.retired' && e.id > afterId).reverse().map((e) => e.message);
}

async function lastEventId(berth: BerthProcess): Promise<number> {
  const r = await berth.api('GET', '/api/v1/events?limit=1');
  return (r.json.events as { id: number }[])[0]?.id ?? 0;
}

describe('drain: old containers finish what they serve before they stop (issue 27)', function () {
  this.timeout(900_000);
  const trees: WorkTree[] = [];
  const apps = { redeploy: uniqueName('dr-redeploy'), scale: uniqueName('dr-scale'), restart: uniqueName('dr-restart'), rollback: uniqueName('dr-rollback') };
  const hostOf = (app: string) => `${app}.localhost`;
  const ok = async (p: Promise<{ code: number; out: string }>) => { const r = await p; assert.equal(r.code, 0, r.out); return r.out; };

  after(async () => {
    trees.forEach((t) => t.remove());
  });
  // The stop-timeout the redeploy's message names (SIGKILL after 10 s), above the test default.
  const berth = useBerth({ BERTH_STOP_TIMEOUT: '10' });
  before(async () => {
    fs.chmodSync(berth.home, 0o755);
    for (const app of Object.values(apps)) await ok(cli(berth, ['apps:create', app]));
    // The scale app ignores SIGTERM (killed at its 2 s stop-timeout); the others exit on it.
    await ok(cli(berth, ['config:set', apps.scale, 'ON_SIGTERM=ignore']));
    await ok(cli(berth, ['ps:set', apps.scale, 'stop-timeout', '2']));
    // retire-wait: berth's name, and dokku's; the redeploy app's SSE stream holds it to the end.
    await ok(cli(berth, ['ps:set', apps.redeploy, 'retire-wait', '40']));
    await ok(cli(berth, ['ps:set', apps.scale, 'wait-to-retire', '60']));
    await ok(cli(berth, ['ps:set', apps.restart, 'retire-wait', '60']));
    await ok(cli(berth, ['ps:set', apps.rollback, 'retire-wait', '60']));
    const pushes = Object.values(apps).map((app) => {
      const wt = WorkTree.fromFixture('drain-app');
      trees.push(wt);
      return pushInBackground(wt, berth, app).done;
    });
    for (const r of await Promise.all(pushes)) assert.equal(r.code, 0, r.output);
    await ok(cli(berth, ['ps:scale', apps.scale, 'web=3']));
    await ok(cli(berth, ['config:set', apps.rollback, 'NOTE=two']));
    await waitFor('the set-up\'s old containers to be gone', () => webContainers(berth, apps.scale).length === 3 && webContainers(berth, apps.rollback).length === 1);
  });

  it('requests of 0.1–25 s answer 200 with the old body across a redeploy, a scale 3→1, a restart and a rollback; SSE runs until the retire-wait; drains survive a berth restart', async () => {
    const port = berth.routerPort;
    const stream = openStream(port, hostOf(apps.redeploy));
    const settledSoFar: string[] = [];
    const inFlight = Object.fromEntries(Object.values(apps).map((app) => [app,
      DURATIONS_MS.flatMap((ms) => Array.from({ length: EACH }, () => slowGet(port, hostOf(app), ms).then((a) => { settledSoFar.push(`${app} ${ms} ms: ${a.status}`); return { ms, ...a }; }))),
    ])) as Record<string, Promise<Answer & { ms: number }>[]>;
    for (const app of Object.values(apps)) {
      const want = LONG + (app === apps.redeploy ? 1 : 0);
      let seen = 0;
      await waitFor(`${want} requests open at ${app}'s containers`, () => (seen = openConnections(berth, app)) >= want)
        .catch((e: Error) => { throw new Error(`${e.message} (${seen} open; answers so far: ${JSON.stringify(settledSoFar)})`); });
    }
    await waitFor('the stream to flow', () => stream.events.length > 0);
    const before = await lastEventId(berth);

    const [redeploy] = await Promise.all([
      ok(cli(berth, ['config:set', apps.redeploy, 'NOTE=b'])),
      ok(cli(berth, ['ps:scale', apps.scale, 'web=1'])),
      ok(cli(berth, ['ps:restart', apps.restart])),
      ok(cli(berth, ['releases:rollback', apps.rollback, 'v1'])),
    ]);
    // The push reports the switch and leaves the drain to the background.
    assert.match(redeploy, /Retiring 1 old container: each drains its open connections \(at most 40 s\), then SIGTERM, SIGKILL after 10 s/);
    const atSwitch = stream.events.length;

    // A crash of berth mid-drain: the new process resumes the drains from SQLite.
    berth.kill();
    await berth.start();
    // Read while they drain; checked once the requests have answered (those failures say more).
    const report = JSON.parse((await ok(cli(berth, ['ps:report', apps.scale, '--json'])))).report;
    const redeployReport = JSON.parse((await ok(cli(berth, ['ps:report', apps.redeploy, '--json'])))).report;
    const reportText = await ok(cli(berth, ['ps:report', apps.scale]));

    const old: Record<string, string> = { [apps.redeploy]: 'v1', [apps.scale]: 'v1', [apps.restart]: 'v1', [apps.rollback]: 'v1 two' };
    for (const app of Object.values(apps)) {
      const answers = await Promise.all(inFlight[app]);
      assert.deepEqual(answers.filter((a) => a.status !== 200 || a.body !== old[app]), [], `${app}: every request answered by the old release`);
      assert.equal(answers.length, DURATIONS_MS.length * EACH);
    }
    const afterLongest = stream.events.length;
    assert.deepEqual(report.draining.map((d: { phase: string }) => d.phase), ['draining', 'draining'], 'ps:report showed the two containers draining');
    assert.equal(report.processes.find((p: { type: string }) => p.type === 'web').containers.length, 1);
    assert.equal(redeployReport.draining.length, 1);
    assert.ok(redeployReport.draining[0].connections >= 1, `the SSE stream was counted (${redeployReport.draining[0].connections})`);
    assert.match(reportText, /Retiring:\s+drain up to 60 s, then SIGTERM, SIGKILL after 2 s/);
    for (const d of report.draining as { name: string }[]) assert.match(reportText, new RegExp(`${d.name.replace(/\./g, '\\.')}\\s+draining\\s+\\d+`));
    // Not a time limit on berth: without one a stream nobody ends would hang the run until mocha's.
    const gaveUp = new Promise<string>((resolve) => setTimeout(() => resolve('never ended: its container was not stopped'), 120_000).unref());
    assert.equal(await Promise.race([stream.ended, gaveUp]), 'end');
    const data = stream.events.filter((e) => e.startsWith('data: '));
    assert.ok(afterLongest > atSwitch, `the stream kept receiving after the switch (${atSwitch} events then, ${afterLongest} when the 25 s requests ended)`);
    assert.ok(data.length > afterLongest, `and after the 25 s requests, until the retire-wait (${data.length} data events in all)`);
    assert.deepEqual(data.filter((e) => !/^data: v1 \d+$/.test(e)), [], 'every event came from the old container');
    assert.equal(stream.events.at(-1), 'event: bye\ndata: SIGTERM', 'the app closed the stream on SIGTERM');

    const events = (await waitFor('every old container retired', async () => {
      const all = await Promise.all(Object.values(apps).map((app) => retiredEvents(berth, app, before)));
      return all.every((e, i) => e.length >= (i === 1 ? 2 : 1)) ? all : null;
    }, 120_000))!;
    assert.deepEqual(events.map((e) => e.length), [1, 2, 1, 1], 'one event per retired container');
    const [ofRedeploy, ofScale, ofRestart, ofRollback] = events;
    assert.match(ofRedeploy[0], /retired: the retire-wait \(40 s\) passed with 1 open connection; it exited on SIGTERM after \d+\.\d s \(code 0\)$/);
    for (const e of ofScale) assert.match(e, /retired: no open connection left after \d+\.\d s; it ignored SIGTERM and was killed at its stop-timeout \(2 s\)$/);
    for (const e of [...ofRestart, ...ofRollback]) assert.match(e, /retired: no open connection left after \d+\.\d s; it exited on SIGTERM after \d+\.\d s \(code 0\)$/);
    for (const app of Object.values(apps)) assert.equal(webContainers(berth, app).length, 1, `${app}: only the new container is left`);
    assert.equal((await berth.viaRouter(hostOf(apps.redeploy))).text.trim(), 'v1 b');
    assert.equal((await berth.viaRouter(hostOf(apps.rollback))).text.trim(), 'v1');
  });

  it('refuses drain settings out of range, and a viewer cannot change them', async () => {
    const bad = await berth.api('PATCH', `/api/v1/apps/${apps.restart}/ps`, { retireWait: '1h' });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.error.code, 'INVALID_PS_SETTING');
    const big = await berth.api('PATCH', `/api/v1/apps/${apps.restart}/ps`, { stopTimeout: 3601 });
    assert.equal(big.json.error.code, 'INVALID_PS_SETTING');
    const viewer = await berth.api('POST', '/api/v1/users', { name: uniqueName('viewer'), role: 'viewer' });
    assert.equal(viewer.status, 201, viewer.text);
    const token = viewer.json.token as string;
    const refused = await berth.api('PATCH', `/api/v1/apps/${apps.restart}/ps`, { retireWait: 0 }, token);
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'FORBIDDEN');
    assert.equal((await berth.api('GET', `/api/v1/apps/${apps.restart}/ps`)).json.report.retireWait, 60);
  });
});
