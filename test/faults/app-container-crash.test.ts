import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { uniqueName, type BerthProcess } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { waitFor } from './fault-support';

const docker = (args: string[]): string => spawnSync('docker', args, { encoding: 'utf8' }).stdout.trim();

/** The app's web containers (id and name), as docker lists them. */
function webContainers(berth: BerthProcess, app: string): { id: string; name: string }[] {
  return docker(['ps', '-a', '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}`, '--filter', `label=berth.app=${app}`, '--filter', 'label=berth.process=web', '--format', '{{.ID}} {{.Names}}'])
    .split('\n').filter(Boolean).map((l) => { const [id, name] = l.split(' '); return { id, name }; });
}

async function crashEvents(berth: BerthProcess, app: string): Promise<{ kind: string; message: string }[]> {
  const r = await berth.api('GET', `/api/v1/events?app=${app}&limit=1000`);
  return (r.json?.events ?? []).filter((e: { kind: string }) => e.kind === 'ps.crashed');
}

describe('fault: an app container SIGKILLed, and one crash-looping: berth restarts it, reports it as crashing in ps:report and events, and does not flood the host', function () {
  this.timeout(600_000);
  const trees: WorkTree[] = [];

  after(async () => {
    trees.forEach((t) => t.remove());
  });
  const berth = useBerth();

  it('a web container killed with `docker kill` is replaced by the reconciler, the app answers again, and a ps.crashed event says so', async () => {
    const app = uniqueName('ckill');
    const wt = WorkTree.fromFixture('slow-build-app');
    trees.push(wt);
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    const [victim] = webContainers(berth, app);
    assert.ok(victim);
    docker(['kill', victim.id]);

    await waitFor('a replacement web container that serves', async () => {
      const now = webContainers(berth, app);
      if (now.some((c) => c.id === victim.id)) return false;
      return (await berth.viaRouter(`${app}.localhost`)).status === 200;
    });
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'slow-build-app v1');
    const events = await crashEvents(berth, app);
    assert.ok(events.some((e) => e.message.includes(victim.name)), `no ps.crashed event for ${victim.name}: ${JSON.stringify(events)}`);
  });

  it('a crash-looping web container: docker restarts it with back-off, ps:report shows it crashing, events record it at most once a minute, and the router keeps pointing at it', async () => {
    const app = uniqueName('cloop');
    const wt = WorkTree.fromFixture('slow-build-app');
    trees.push(wt);
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    // berth's deploy watch (default: roll back) would take the crash-looping release below back to v1
    // (deploy-watch.test proves that); here the crash reporting of a release left running is under test.
    const watchOnly = berth.cli(['deploy-watch:set', app, 'action', 'watch']);
    assert.equal(watchOnly.code, 0, watchOnly.stderr);
    // The new release serves for 6 s (long enough for its health check), then exits 7, forever.
    const set = await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { CRASH_AFTER: '6' } });
    const log = await berth.api('GET', `/api/v1/apps/${app}/builds/${set.json.build.id}/log?follow=1`);
    assert.match(log.text, /@@berth-status succeeded/);
    const startedWatching = Date.now();

    const report = await waitFor<string | undefined>('ps:report to show the app crashing', () => {
      const r = berth.cli(['ps:report', app]);
      return /crashing: /.test(r.stdout) ? r.stdout : undefined;
    }, 180);
    assert.match(report!, /crashing: berth\.[^ ]+\.web\.1/);
    const json = JSON.parse(berth.cli(['ps:report', app, '--json']).stdout);
    assert.ok(json.report.crashing.length >= 1);
    await waitFor('a ps.crashed event', async () => (await crashEvents(berth, app)).length > 0, 120);

    // Watch it loop: docker restarts the one container in place (three times, waited for by its
    // restart count, not by a sleep), the reconciler adds no replacements, events stay rate-limited.
    await waitFor('docker to restart the web container three times', () => {
      const cs = webContainers(berth, app);
      return cs.length === 1 && Number(docker(['inspect', '-f', '{{.RestartCount}}', cs[0].id])) >= 3;
    }, 300);
    const containers = webContainers(berth, app);
    assert.equal(containers.length, 1, `one web container, restarted in place, not a pile of replacements: ${JSON.stringify(containers)}`);
    const restarts = Number(docker(['inspect', '-f', '{{.RestartCount}}', containers[0].id]));
    const minutes = (Date.now() - startedWatching) / 60_000;
    assert.ok(restarts >= 1, 'docker restarted it');
    // Each life is ≥ 6 s, so even with no back-off at all it could not restart more than ~10 times a minute.
    assert.ok(restarts <= Math.ceil(minutes * 10) + 2, `restarted ${restarts} times in ${minutes.toFixed(1)} min`);
    const events = await crashEvents(berth, app);
    assert.ok(events.length <= Math.ceil(minutes) + 1, `${events.length} ps.crashed events in ${minutes.toFixed(1)} min: it floods the event log`);

    // Fixing the config heals it: ps:report stops saying crashing.
    const fix = await berth.api('PATCH', `/api/v1/apps/${app}/config`, { unset: ['CRASH_AFTER'] });
    assert.match((await berth.api('GET', `/api/v1/apps/${app}/builds/${fix.json.build.id}/log?follow=1`)).text, /@@berth-status succeeded/);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).status, 200);
    const healed = JSON.parse(berth.cli(['ps:report', app, '--json']).stdout);
    assert.deepEqual(healed.report.crashing, []);
  });
});
