import assert from 'node:assert/strict';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { latestBuild, pushInBackground, waitFor } from './fault-support';
import { OwnRedis } from './own-redis';

describe('fault: Redis stopped and started again while a build runs and another is queued: both succeed, the push returns, berth reconnects by itself', function () {
  this.timeout(600_000);
  let redis: OwnRedis;
  const trees: WorkTree[] = [];

  after(async () => {
    trees.forEach((t) => t.remove());
  });
  const berth = useBerth(() => ({ REDIS_URL: redis.url }), {
    setUp: async () => {
      // Its own Redis: stopping it stops only this test's berth, never the Redis other tests share.
      redis = await OwnRedis.start();
    },
  });
  after(async () => {
    await redis?.destroy();
  });

  it('the running and the queued build both succeed, the push returns, and the next push deploys', async () => {
    const app = uniqueName('redis');
    const wt = WorkTree.fromFixture('slow-build-app');
    trees.push(wt);
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);

    wt.write('SLOW', '15');
    wt.write('NONCE', app); // BuildKit's cache from an earlier run would skip the slow step
    wt.write('www/index.html', 'slow-build-app v2\n');
    wt.commitAll('slow v2');
    const push = pushInBackground(wt, berth, app);
    const running = await waitFor('the slow build to run', async () => {
      const b = await latestBuild(berth, app);
      return b?.status === 'running' ? b : undefined;
    }, 120);
    // A config change queues behind the running build.
    const queued = await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { AFTER_REDIS: '1' } });
    assert.equal(queued.json.build.status, 'queued', queued.text);

    await redis.stop(); // returns once redis-server has exited and its port refuses
    await redis.up();
    const during = (await berth.api('GET', `/api/v1/apps/${app}/builds/${running!.id}`)).json.build;
    assert.equal(during.status, 'running', 'Redis was back before the slow build ended');

    const pushed = await push.done; // returns: it does not hang on a lost log stream
    const ended = (b: { status: string } | undefined) => !!b && ['succeeded', 'failed', 'cancelled'].includes(b.status);
    const status = async (id: number) => (await berth.api('GET', `/api/v1/apps/${app}/builds/${id}`)).json?.build;
    const first = await waitFor('the running build to end', async () => { const b = await status(running!.id); return ended(b) ? b : undefined; }, 240);
    const second = await waitFor('the queued build to end', async () => { const b = await status(queued.json.build.id); return ended(b) ? b : undefined; }, 240);
    // Redis was down only between two steps of the slow build: neither build notices (the queue's
    // connection comes back before the next job is taken), both succeed in order, the push ends as usual.
    assert.deepEqual([first, second].map((b) => [b.id, b.status, b.error, b.releaseVersion]),
      [[running!.id, 'succeeded', null, 2], [queued.json.build.id, 'succeeded', null, 3]]);
    assert.equal(pushed.code, 0, pushed.output);
    assert.match(pushed.output, new RegExp(`=====> Deployed http://${app}\\.localhost:\\d+ \\(v2\\)`));
    const cfg = await berth.api('GET', `/api/v1/apps/${app}/config`);
    assert.equal(cfg.json.config.AFTER_REDIS, '1', cfg.text);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'slow-build-app v2');

    // Berth reconnected on its own: the API answers from Redis-backed parts and a new push deploys.
    assert.equal((await berth.api('GET', '/healthz')).status, 200);
    wt.write('SLOW', '0');
    wt.write('www/index.html', 'slow-build-app v3\n');
    wt.commitAll('v3 after redis restart');
    const next = wt.push(berth.url, berth.token, app);
    assert.equal(next.code, 0, next.output);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'slow-build-app v3');
  });
});
