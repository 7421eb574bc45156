import assert from 'node:assert/strict';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { describeLoad, SLOW_REQUESTS, steadyLoad, type RunningLoad } from '../support/load';
import { pushInBackground } from '../faults/fault-support';
import { waitFor } from '../support/poll';

const APPS = 10;
const PUSHES_PER_APP = 2;

describe('load: 20 pushes across 10 apps at once all deploy while the router serves steady traffic to every app with zero failed requests', function () {
  this.timeout(900_000);
  const trees: WorkTree[] = [];
  const loads: RunningLoad[] = [];

  // A retire-wait longer than the slow requests (test berths default to 1 s): a replaced container
  // drains what it holds before it is stopped, and a request it cut would be counted.
  after(async () => {
    await Promise.all(loads.map((l) => l.stop().catch(() => undefined)));
    trees.forEach((t) => t.remove());
  });
  const berth = useBerth({ BERTH_BUILD_CONCURRENCY: '4', BERTH_RETIRE_WAIT: '10' });

  it('every push deploys, each app ends on its last push, and no request fails', async () => {
    const apps = Array.from({ length: APPS }, () => uniqueName('load'));
    const wts = apps.map(() => { const wt = WorkTree.fromFixture('slow-build-app'); trees.push(wt); return wt; });
    // First deploys (not under test), all at once too.
    const first = await Promise.all(apps.map((app, i) => pushInBackground(wts[i], berth, app).done));
    first.forEach((r, i) => assert.equal(r.code, 0, `first push of ${apps[i]}:\n${r.output}`));
    for (const app of apps) loads.push(await steadyLoad({ port: berth.routerPort, host: `${app}.localhost`, rps: 10, slow: SLOW_REQUESTS }));
    // Slow requests are being answered by every app before the pushes start, so each redeploy has some in flight.
    await waitFor('a slow request answered by every app', () => loads.every((l) => l.progress().slowOk >= 1));

    // Every app gets PUSHES_PER_APP pushes, one after another (a push to a branch that moved
    // under it is superseded by design); the ten apps' chains run at once.
    const chains = apps.map(async (app, i) => {
      const outcomes: { code: number; output: string }[] = [];
      for (let n = 2; n < 2 + PUSHES_PER_APP; n++) {
        wts[i].write('www/index.html', `${app} v${n}\n`);
        wts[i].commitAll(`v${n}`);
        outcomes.push(await pushInBackground(wts[i], berth, app).done);
      }
      return outcomes;
    });
    const results = (await Promise.all(chains)).flat();
    assert.equal(results.length, APPS * PUSHES_PER_APP);
    const failedPushes = results.filter((r) => r.code !== 0);
    assert.equal(failedPushes.length, 0, `pushes that failed:\n${failedPushes.map((r) => r.output.slice(-600)).join('\n---\n')}`);

    for (const app of apps) {
      assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), `${app} v${1 + PUSHES_PER_APP}`);
      const releases = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases;
      assert.equal(releases[0].version, 1 + PUSHES_PER_APP);
      assert.equal(releases[0].current, true);
    }

    const counts = await Promise.all(loads.splice(0).map((l) => l.stop()));
    const failed = counts.reduce((n, c) => n + c.failed, 0);
    const sent = counts.reduce((n, c) => n + c.sent, 0);
    const retried = counts.reduce((n, c) => n + c.retriedOnReusedSockets, 0);
    const slowSent = counts.reduce((n, c) => n + c.slowSent, 0);
    const slowOk = counts.reduce((n, c) => n + c.slowOk, 0);
    process.stdout.write(`      load: ${sent} sent (${slowSent} slow, 1–3 s), ${failed} failed, ${retried} sent again after a reload closed their idle keep-alive socket\n`);
    assert.ok(slowSent >= APPS * PUSHES_PER_APP, `slow requests were mixed in (${slowSent})`);
    assert.equal(failed, 0, `${failed} of ${sent} requests failed:\n${counts.filter((c) => c.failed > 0).map(describeLoad).join('\n')}`);
    assert.equal(slowOk, slowSent, 'every slow request was answered 2xx');
  });
});
