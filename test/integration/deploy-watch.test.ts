import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { uniqueName } from '../support/berth-process';
import { DashboardSession } from '../support/dashboard-session';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';
import { useBerth } from '../support/use-berth';

/**
 * Passes its deploy (it serves), dies 30 s later, and from then on dies at once each time docker
 * restarts it (the marker survives a restart: docker keeps the container's files): a crash loop
 * that starts well after a "successful" deploy (Dokploy #4339).
 */
const LATE_CRASH_START = [
  '#!/bin/sh',
  'if [ -e /tmp/ran-once ]; then echo "boom: crash loop" >&2; exit 3; fi',
  'touch /tmp/ran-once',
  'httpd -p "${PORT:-5000}" -h /www',
  'sleep 30',
  'echo "boom: the cache went away" >&2',
  'exit 3',
  '',
].join('\n');

/** A webhook receiver on loopback that keeps every POST's JSON body. */
function receiver(): Promise<{ got: any[]; url: string; close(): Promise<void> }> {
  const got: any[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { raw += c; });
    req.on('end', () => { got.push(JSON.parse(raw)); res.end('ok'); });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  })));
}

/**
 * Issue 28, deploys watched: each release is watched for a window after its deploy; a crash loop
 * 30 s in rolls it back to the release before (or, set to watch only, alerts and leaves it), with
 * the event and the webhook alert. berth is killed and started again inside the window: the watch
 * is a row in SQLite, so the restarted berth finishes it.
 */
describe('deploy watch: a release crash-looping 30 s after its deploy is rolled back automatically (or only alerted), with the event and the alert', function () {
  this.timeout(300_000);
  const PASSWORD = 'deploy watch test password';
  const berth = useBerth({ BERTH_ADMIN_PASSWORD: PASSWORD });
  const rolled = uniqueName('watch-rb');
  const watched = uniqueName('watch-only');
  const trees: WorkTree[] = [];
  let hook: Awaited<ReturnType<typeof receiver>>;

  before(async () => {
    hook = await receiver();
    for (const app of [rolled, watched]) {
      const tree = WorkTree.fromFixture('dockerfile-app');
      trees.push(tree);
      const first = tree.push(berth.url, berth.token, app);
      assert.equal(first.code, 0, first.output);
      assert.equal((await berth.api('POST', `/api/v1/apps/${app}/notifications`, { url: hook.url })).status, 201);
    }
    // A short window for the test (the default is 5 minutes); the other app only alerts.
    const set = berth.cli(['deploy-watch:set', rolled, 'window', '2m', 'restarts', '3']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /window 2m, action rollback, restarts 3, unhealthy 1, 5xx-rate 0\.2, min-requests 20/);
    assert.equal(berth.cli(['deploy-watch:set', watched, 'window', '2m', 'action', 'watch']).code, 0);
    for (const [i, app] of [rolled, watched].entries()) {
      trees[i].write('start.sh', LATE_CRASH_START);
      trees[i].commitAll('dies 30 s after it starts');
      const second = trees[i].push(berth.url, berth.token, app);
      assert.equal(second.code, 0, second.output);
    }
  });
  after(async () => {
    trees.forEach((t) => t.remove());
    await hook?.close();
  });

  it('a developer or viewer who may not change the app cannot change its watch; bad settings are refused and change nothing', async () => {
    const viewer = await berth.api('POST', '/api/v1/users', { name: uniqueName('viewer'), role: 'viewer' });
    const dev = await berth.api('POST', '/api/v1/users', { name: uniqueName('dev'), role: 'developer' });
    for (const token of [viewer.json.token, dev.json.token]) {
      const res = await berth.api('PATCH', `/api/v1/apps/${rolled}/deploy-watch`, { settings: { action: 'watch' } }, token);
      assert.equal(res.status, 403);
      assert.equal(res.json.error.code, 'FORBIDDEN');
    }
    // A viewer reads it (read on the app), a stranger developer does not.
    assert.equal((await berth.api('GET', `/api/v1/apps/${rolled}/deploy-watch`, undefined, viewer.json.token)).status, 200);
    assert.equal((await berth.api('GET', `/api/v1/apps/${rolled}/deploy-watch`, undefined, dev.json.token)).status, 403);
    for (const settings of [{ window: '3 days' }, { action: 'reboot' }, { restarts: '0' }, { '5xx-rate': '1.5' }, { window: '1m', colour: 'red' }]) {
      const res = await berth.api('PATCH', `/api/v1/apps/${rolled}/deploy-watch`, { settings });
      assert.equal(res.status, 422, JSON.stringify(settings));
      assert.equal(res.json.error.code, 'INVALID_DEPLOY_WATCH');
    }
    const now = await berth.api('GET', `/api/v1/apps/${rolled}/deploy-watch`);
    assert.deepEqual(now.json.settings, { window: 120, action: 'rollback', restarts: 3, unhealthy: 1, errorRate: 0.2, minRequests: 20 });
  });

  it('the watch survives berth being killed and started again inside the window', async () => {
    const releases = (await berth.api('GET', `/api/v1/apps/${rolled}/releases`)).json.releases;
    assert.equal(releases[0].version, 2);
    assert.equal(releases[0].watch.status, 'watching');
    berth.kill();
    await berth.start();
  });

  it('rolls the crash-looping release back to the one before, records why, and alerts', async () => {
    const releases = await waitFor('the automatic rollback', async () => {
      const list = (await berth.api('GET', `/api/v1/apps/${rolled}/releases`)).json.releases;
      return list[0]?.version === 3 && list[0].current ? list : null;
    }, 150_000);
    assert.equal(releases[0].description, 'rollback to v1');
    assert.equal(releases[0].watch, null, 'a rollback is not watched in turn');
    assert.equal(releases[1].version, 2);
    assert.equal(releases[1].watch.status, 'rolled-back');
    assert.match(releases[1].watch.reason, /^crash loop: \d+ restarts of its containers(?: and \d+ down)? \(limit 3\)$/);
    // The app answers again, from v1's containers (v2's would be crash-looping).
    // (A refused connection while the router switches is "not yet", as a 502 is.)
    await waitFor('v1 serving', async () => (await berth.viaRouter(`${rolled}.localhost`).catch(() => ({ text: '' }))).text.trim() === 'dockerfile-app v1', 30_000);

    const events = (await berth.api('GET', `/api/v1/events?app=${rolled}`)).json.events;
    const unhealthy = events.filter((e: any) => e.kind === 'deploy.unhealthy');
    assert.equal(unhealthy.length, 1);
    assert.match(unhealthy[0].message, /^v2 unhealthy \d+ s after its deploy: crash loop: .*; rolling back to v1 \(build \d+\)$/);
    const cli = berth.cli(['releases', rolled]);
    assert.match(cli.stdout, /^v2 was rolled back automatically: crash loop: \d+ restarts/m);
    const session = new DashboardSession(berth.url);
    await session.login(PASSWORD);
    assert.match((await session.get(`/apps/${rolled}/deploys`)).text, /data-watch="rolled-back">Rolled back automatically: crash loop: \d+ restarts/);

    const alert = await waitFor('the webhook alert', async () => hook.got.find((b) => b.event === 'deploy.unhealthy' && b.app === rolled), 30_000);
    assert.equal(alert.text, `${rolled}: v2 unhealthy after its deploy; rolling back to v1`);
    assert.match(alert.detail, /^crash loop: /);
    assert.equal(alert.data.release, 2);
    assert.equal(alert.data.rollbackTo, 1);
  });

  it('set to watch only, it alerts and leaves the release serving', async () => {
    const releases = await waitFor('the alert-only breach', async () => {
      const list = (await berth.api('GET', `/api/v1/apps/${watched}/releases`)).json.releases;
      return list[0]?.watch?.status === 'alerted' ? list : null;
    }, 150_000);
    assert.equal(releases.length, 2);
    assert.equal(releases[0].version, 2);
    assert.equal(releases[0].current, true);
    const alert = await waitFor('the webhook alert', async () => hook.got.find((b) => b.event === 'deploy.unhealthy' && b.app === watched), 30_000);
    assert.equal(alert.text, `${watched}: v2 unhealthy after its deploy; not rolled back`);
    assert.equal(alert.data.rollbackTo, null);
    const events = (await berth.api('GET', `/api/v1/events?app=${watched}`)).json.events.filter((e: any) => e.kind === 'deploy.unhealthy');
    assert.equal(events.length, 1);
    assert.match(events[0].message, /; not rolled back \(deploy-watch action: watch\)$/);
    const report = berth.cli(['deploy-watch:report', watched]);
    assert.match(report.stdout, /Deploy watch last:\s+v2 alerted: crash loop: /);
    // The dashboard's app page lists the event among its recent events.
    const session = new DashboardSession(berth.url);
    await session.login(PASSWORD);
    assert.match((await session.get(`/apps/${watched}`)).text, /v2 unhealthy \d+ s after its deploy: crash loop/);
  });
});
