import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { steadyLoad, type RunningLoad } from '../support/load';
import { requireBerthStack } from '../support/requirements';
import { latestBuild, pushInBackground, releaseState, waitFor } from './fault-support';

const redisGet = (key: string): string => spawnSync('redis-cli', ['--raw', 'GET', key], { encoding: 'utf8' }).stdout.trim();

describe('fault: berth (web + worker) SIGKILLed during a build and during a config change', function () {
  this.timeout(600_000);
  let berth: BerthProcess;
  const trees: WorkTree[] = [];
  const loads: RunningLoad[] = [];

  before(async () => {
    requireBerthStack();
    berth = await startBerth();
  });
  after(async () => {
    await Promise.all(loads.map((l) => l.stop().catch(() => undefined)));
    trees.forEach((t) => t.remove());
    await berth?.destroy();
  });

  it('killed mid-build: the push fails clearly, the build is marked failed, the app lock is freed at once, the old release serves throughout, the next push deploys', async () => {
    const app = uniqueName('kill');
    const wt = WorkTree.fromFixture('slow-build-app');
    trees.push(wt);
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'slow-build-app v1');
    const load = await steadyLoad({ port: berth.routerPort, host: `${app}.localhost`, rps: 20 });
    loads.push(load);

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
    assert.ok(result.ok > 0, 'the load ran');
    assert.equal(result.failed, 0, `requests to the old release failed while berth was down:\n${result.samples.join('\n')}`);
  });

  it('killed during a config change: SQLite stays consistent (config saved, release either whole and current or absent), and berth finishes or fails the change cleanly', async () => {
    const app = uniqueName('kcfg');
    const wt = WorkTree.fromFixture('slow-build-app');
    trees.push(wt);
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    const set = await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { FAULT_NOTE: 'x' } });
    assert.ok(set.json.build, set.text);
    // Kill while the release is being made/deployed (the config build is quick; any moment of it will do).
    await waitFor('the config build to start', async () => (await latestBuild(berth, app))?.status !== 'queued', 30);
    berth.kill();
    await berth.start();

    const build = await waitFor<{ status: string } | undefined>('the config build to end', async () => {
      const b = await latestBuild(berth, app);
      return b && ['succeeded', 'failed'].includes(b.status) ? b : undefined;
    }, 120);
    const config = await berth.api('GET', `/api/v1/apps/${app}/config`);
    assert.match(config.text, /FAULT_NOTE/, 'the config change was saved');
    const releases = await releaseState(berth, app);
    assert.equal(releases.filter(([, current]) => current).length, 1, `exactly one current release: ${JSON.stringify(releases)}`);
    if (build!.status === 'succeeded') assert.deepEqual(releases[0], [2, true]);
    else assert.deepEqual(releases, [[1, true]], `a failed config release leaves no row: ${JSON.stringify(releases)}`);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).status, 200);

    // Berth takes the next change normally.
    const again = await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { FAULT_NOTE: 'y' } });
    const log = await berth.api('GET', `/api/v1/apps/${app}/builds/${again.json.build.id}/log?follow=1`);
    assert.match(log.text, /@@berth-status succeeded/);
  });
});
