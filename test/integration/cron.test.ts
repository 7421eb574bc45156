import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
    // The release images this file built (berth/<app>:vN).
    const images = spawnSync('docker', ['images', '-q', `berth/${app}`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
    if (images.length) spawnSync('docker', ['rmi', '-f', ...images]);
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

  it('a new release replaces the set: entries it no longer has are unscheduled', () => {
    const listed = berth.cli(['cron:list', app]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^tick +\* \* \* \* \* +echo "cron ran with PORT=\$PORT"$/m);
    assert.match(listed.stdout, /^2 +0 3 \* \* \* +true$/m);
    wt.write('app.json', `${JSON.stringify({ cron: [{ name: 'nightly', command: 'echo nightly', schedule: '@daily' }] })}\n`);
    wt.commitAll('fewer crons');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    const json = JSON.parse(berth.cli(['cron:list', app, '--json']).stdout);
    assert.deepEqual(json.cron, [{ name: 'nightly', schedule: '0 0 * * *', command: 'echo nightly' }]);
  });
});
