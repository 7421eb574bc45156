import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';

/** An hour of the day that is far from now, so an entry scheduled for it is not due during the test. */
const farHour = (new Date().getUTCHours() + 12) % 24;

describe('cron: app.json entries run as one-off containers', function () {
  this.timeout(300_000);
  let wt: WorkTree;
  const app = uniqueName('cron');

  after(async () => {
    wt?.remove();
  });
  const berth = useBerth();
  before(async () => {
    wt = WorkTree.fromFixture('oneoff-app');
  });
  after(async () => {
    // The release images this file built (berth/<app>:vN).
    const images = spawnSync('docker', ['images', '-q', `berth/${app}`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
    if (images.length) spawnSync('docker', ['rmi', '-f', ...images]);
  });

  it('runs a `* * * * *` entry within a minute; its output shows in logs as cron.<name>', async () => {
    wt.write('app.json', `${JSON.stringify({
      cron: [{ name: 'tick', command: 'echo "cron ran with PORT=$PORT"', schedule: '* * * * *' }, { command: 'echo "not due yet"', schedule: `0 ${farHour} * * *` }],
    })}\n`);
    wt.commitAll('cron');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);

    // The first run is at the next minute boundary (≤ 60 s), plus container start.
    const out = await waitFor('the tick entry\'s output in `berth logs --process cron`', () => {
      const o = berth.cli(['logs', app, '--process', 'cron']).stdout;
      return /^cron\.tick \| cron ran with PORT=5000$/m.test(o) ? o : '';
    }, 80_000).catch((e: Error) => assert.fail(`${e.message} (berth output:\n${berth.output.slice(-2000)})`));
    // The entry that is not due prints when it runs: an entry started at every tick shows here.
    assert.doesNotMatch(out, /not due yet/, `the entry due at ${farHour}:00 ran:\n${out}`);
  });

  it('a new release replaces the set: entries it no longer has are unscheduled', () => {
    const listed = berth.cli(['cron:list', app]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^tick +\* \* \* \* \* +echo "cron ran with PORT=\$PORT"$/m);
    assert.match(listed.stdout, new RegExp(`^2 +0 ${farHour} \\* \\* \\* +echo "not due yet"$`, 'm'));
    wt.write('app.json', `${JSON.stringify({ cron: [{ name: 'nightly', command: 'echo nightly', schedule: '@daily' }] })}\n`);
    wt.commitAll('fewer crons');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    const json = JSON.parse(berth.cli(['cron:list', app, '--json']).stdout);
    assert.deepEqual(json.cron, [{ name: 'nightly', schedule: '0 0 * * *', command: 'echo nightly' }]);
  });
});
