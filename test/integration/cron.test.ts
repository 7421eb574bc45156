import assert from 'node:assert/strict';
import { startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { requireBerthStack } from '../support/requirements';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cron: app.json entries run as one-off containers', function () {
  this.timeout(300_000);
  let berth: BerthProcess;
  let wt: WorkTree;
  const app = uniqueName('cron');

  before(async () => {
    requireBerthStack();
    berth = await startBerth();
    wt = WorkTree.fromFixture('oneoff-app');
  });
  after(async () => {
    wt?.remove();
    await berth?.destroy();
  });

  it('runs a `* * * * *` entry within a minute; its output shows in logs as cron.<name>', async () => {
    wt.write('app.json', `${JSON.stringify({
      cron: [{ name: 'tick', command: 'echo "cron ran with PORT=$PORT"', schedule: '* * * * *' }, { command: 'true', schedule: '0 3 * * *' }],
    })}\n`);
    wt.commitAll('cron');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);

    // Bounded: the first run is at the next minute boundary (≤ 60 s), plus container start.
    const deadline = Date.now() + 80_000;
    let out = '';
    while (Date.now() < deadline) {
      out = berth.cli(['logs', app, '--process', 'cron']).stdout;
      if (/^cron\.tick \| cron ran with PORT=5000$/m.test(out)) break;
      await sleep(1000);
    }
    assert.match(out, /^cron\.tick \| cron ran with PORT=5000$/m, `cron output in logs (berth output:\n${berth.output.slice(-2000)})`);
    assert.doesNotMatch(out, /^cron\.2 \|/m, 'the 03:00 entry did not run');
  });
});
