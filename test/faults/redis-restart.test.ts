import assert from 'node:assert/strict';
import { startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { requireBerthStack } from '../support/requirements';
import { latestBuild, pushInBackground, waitFor } from './fault-support';
import { ensureServices, stopRedis } from './services-restart-support';

describe('fault: Redis stopped and started again while a build runs and another is queued: both end (done or failed with a message), nothing hangs, berth reconnects by itself', function () {
  this.timeout(600_000);
  let berth: BerthProcess;
  const trees: WorkTree[] = [];

  before(async () => {
    requireBerthStack();
    berth = await startBerth();
  });
  after(async () => {
    ensureServices(); // never leave the machine without Redis, whatever failed
    trees.forEach((t) => t.remove());
    await berth?.destroy();
  });

  it('the running and the queued build both end with a clear status, the push returns, and the next push deploys', async () => {
    const app = uniqueName('redis');
    const wt = WorkTree.fromFixture('slow-build-app');
    trees.push(wt);
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);

    wt.write('SLOW', '15');
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

    stopRedis();
    await new Promise((r) => setTimeout(r, 3000));
    ensureServices();

    const pushed = await push.done; // returns: it does not hang on a lost log stream
    const ended = (b: { status: string } | undefined) => !!b && ['succeeded', 'failed', 'cancelled'].includes(b.status);
    const status = async (id: number) => (await berth.api('GET', `/api/v1/apps/${app}/builds/${id}`)).json?.build;
    const first = await waitFor('the running build to end', async () => { const b = await status(running!.id); return ended(b) ? b : undefined; }, 240);
    const second = await waitFor('the queued build to end', async () => { const b = await status(queued.json.build.id); return ended(b) ? b : undefined; }, 240);
    for (const b of [first, second]) {
      if (b.status !== 'succeeded') assert.ok(b.error && b.error.length > 10, `build ${b.id} ${b.status} without a message`);
    }
    if (first.status === 'succeeded') assert.equal(pushed.code, 0, pushed.output);
    else assert.notEqual(pushed.code, 0, 'a failed build must fail the push');

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
