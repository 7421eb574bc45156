import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { describeLoad, SLOW_REQUESTS, steadyLoad, type RunningLoad } from '../support/load';
import { latestBuild, pushInBackground, releaseState, waitFor } from './fault-support';

const redisGet = (key: string): string => spawnSync('redis-cli', ['--raw', 'GET', key], { encoding: 'utf8' }).stdout.trim();

describe('fault: berth (web + worker) SIGKILLed during a build and during a config change', function () {
  this.timeout(600_000);
  const trees: WorkTree[] = [];
  const loads: RunningLoad[] = [];

  // A retire-wait above the slow requests' 3 s (test berths default to 1 s): a replaced container drains them.
  after(async () => {
    await Promise.all(loads.map((l) => l.stop().catch(() => undefined)));
    trees.forEach((t) => t.remove());
  });
  const berth = useBerth({ BERTH_RETIRE_WAIT: '10' });

  it('killed mid-build: the push fails clearly, the build is marked failed, the app lock is freed at once, the old release serves throughout, the next push deploys', async () => {
    const app = uniqueName('kill');
    const wt = WorkTree.fromFixture('slow-build-app');
    trees.push(wt);
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'slow-build-app v1');
    // Slow requests (1–3 s) in flight throughout: while berth is down, and when v3 replaces v1.
    const load = await steadyLoad({ port: berth.routerPort, host: `${app}.localhost`, rps: 20, slow: SLOW_REQUESTS });
    loads.push(load);
    await waitFor('slow requests being answered', async () => load.progress().slowOk >= 1, 60);

    wt.write('SLOW', '120');
    wt.write('www/index.html', 'slow-build-app v2\n');
    wt.commitAll('slow v2');
    const push = pushInBackground(wt, berth, app);
    await waitFor('the slow build step', async () => {
      const b = await latestBuild(berth, app);
      if (!b || b.status !== 'running') return false;
      const log = await berth.api('GET', `/api/v1/apps/${app}/builds/${b.id}`);
      return /slow step/.test(log.text) || /slow step/.test((await berth.api('GET', `/api/v1/apps/${app}/builds/${b.id}/log`)).text);
    }, 180);
    const lockKey = `${berth.env.BERTH_REDIS_PREFIX}:lock:app:${app}`;
    const deadToken = redisGet(lockKey);
    assert.ok(deadToken, 'the running build holds its app lock');
    berth.kill();
    const pushed = await push.done;
    if (process.env.BERTH_TEST_SHOW_PUSH) console.log(pushed.output);
    assert.notEqual(pushed.code, 0, 'the push must not succeed');
    assert.doesNotMatch(pushed.output, /\[new branch\]|main -> main/, `the branch moved:\n${pushed.output}`);

    await berth.start();
    // Worker start freed the dead worker's lock at once instead of leaving it to its 30 s lease.
    assert.notEqual(redisGet(lockKey), deadToken, 'the dead worker still holds the app lock');
    const failed = await latestBuild(berth, app);
    assert.equal(failed?.status, 'failed');
    assert.match(failed?.error ?? '', /berth stopped during this build; push again/);
    assert.deepEqual(await releaseState(berth, app), [[1, true]], 'no half-made release');
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'slow-build-app v1');

    wt.write('SLOW', '0');
    wt.write('www/index.html', 'slow-build-app v3\n');
    wt.commitAll('v3');
    const next = wt.push(berth.url, berth.token, app);
    assert.equal(next.code, 0, next.output);
    assert.doesNotMatch(next.output, /queued for \S+ behind/, 'the next build was queued behind the dead one');
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'slow-build-app v3');
    assert.deepEqual((await releaseState(berth, app))[0], [2, true]);

    const result = await load.stop();
    assert.ok(result.slowSent >= 5, `slow requests were mixed in: ${describeLoad(result)}`);
    assert.equal(result.failed, 0, `requests failed while berth was down or v3 replaced v1:\n${describeLoad(result)}`);
    assert.equal(result.slowOk, result.slowSent, describeLoad(result));
  });

  it('killed during a config change while v2 waits for its health check: the config is saved, the build fails as stopped, the half-made v2 is gone, v1 serves, the next change makes v2', async () => {
    const app = uniqueName('kcfg');
    const wt = WorkTree.fromFixture('slow-build-app');
    trees.push(wt);
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    // START_DELAY holds v2's container silent, so the deploy sits in its health check (60 s): berth
    // is killed there, after the release row was made and before the switch, every time.
    const set = await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { FAULT_NOTE: 'x', START_DELAY: '600' } });
    assert.equal(set.status, 200, set.text);
    const buildId = set.json.build.id as number;
    await waitFor('the config deploy to wait for v2', async () =>
      /Waiting for 1 web container to pass 1 check/.test((await berth.api('GET', `/api/v1/apps/${app}/builds/${buildId}/log`)).text), 60);
    assert.deepEqual(await releaseState(berth, app), [[2, false], [1, true]], 'v2 exists, not yet current, when berth is killed');
    berth.kill();
    await berth.start();

    const build = await waitFor('the config build to end', async () => {
      const b = await latestBuild(berth, app);
      return b && b.id === buildId && b.status !== 'queued' && b.status !== 'running' ? b : undefined;
    }, 120);
    assert.equal(build!.status, 'failed');
    assert.match(build!.error ?? '', /berth stopped during this build; push again/);
    const config = await berth.api('GET', `/api/v1/apps/${app}/config`);
    assert.equal(config.json.config.FAULT_NOTE, 'x', `the config change was saved: ${config.text}`);
    assert.deepEqual(await releaseState(berth, app), [[1, true]], 'the half-made v2 is gone');
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'slow-build-app v1');

    // Berth takes the next change normally, and it becomes v2.
    const again = await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { FAULT_NOTE: 'y' }, unset: ['START_DELAY'] });
    const log = await berth.api('GET', `/api/v1/apps/${app}/builds/${again.json.build.id}/log?follow=1`);
    assert.match(log.text, /@@berth-status succeeded/);
    assert.deepEqual(await releaseState(berth, app), [[2, true], [1, false]]);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'slow-build-app v1');
  });
});
