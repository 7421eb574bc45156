import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { Follower } from '../support/log-follower';
import { waitFor } from '../support/poll';
import { WorkTree } from '../support/git-client';



const lines = (text: string) => text.split('\n').filter(Boolean);

describe('logs: merged, filtered, followed, kept after containers go', function () {
  this.timeout(300_000);
  let wt: WorkTree;
  const app = uniqueName('logs');
  const followers: Follower[] = [];

  after(async () => {
    followers.forEach((f) => f.stop());
    wt?.remove();
  });
  const berth = useBerth();
  before(async () => {
    wt = WorkTree.fromFixture('oneoff-app');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    const scaled = berth.cli(['ps:scale', app, 'worker=1']);
    assert.equal(scaled.code, 0, scaled.stderr + scaled.stdout);
  });
  after(async () => {
    // The release images this file built (berth/<app>:vN).
    const images = spawnSync('docker', ['images', '-q', `berth/${app}`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
    if (images.length) spawnSync('docker', ['rmi', '-f', ...images]);
  });

  it('merges every process\'s output by time, prefixed; -n and --process filter', async () => {
    const all = await waitFor('web and worker lines', () => {
      const r = berth.cli(['logs', app, '-n', '200']);
      return /^web\.1 \| web starting v1 on port 5000$/m.test(r.stdout) && /^worker\.1 \| worker tick 3$/m.test(r.stdout) ? r.stdout : '';
    });
    const ticks = [...all.matchAll(/^worker\.1 \| worker tick (\d+)$/gm)].map((m) => Number(m[1]));
    assert.deepEqual(ticks, [...ticks].sort((a, b) => a - b), 'lines come in time order');

    const three = berth.cli(['logs', app, '-n', '3']);
    assert.equal(three.code, 0, three.stderr);
    assert.equal(lines(three.stdout).length, 3);

    const worker = lines(berth.cli(['logs', app, '--process', 'worker']).stdout);
    assert.ok(worker.length > 0 && worker.every((l) => l.startsWith('worker.1 | ')), worker.join('\n'));
    const web = lines(berth.cli(['logs', app, '--process', 'web']).stdout);
    assert.deepEqual(web, ['web.1 | web starting v1 on port 5000']);

    const bad = berth.cli(['logs', app, '--process', 'no good']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not a process type/);
  });

  it('follows new lines: running containers, one-off runs, and containers of a new deploy', async () => {
    const f = new Follower(berth, [app, '-t', '-n', '1']);
    followers.push(f);
    const first = await waitFor('a first worker tick', () => /worker tick (\d+)/.exec(f.out)?.[1]);
    await waitFor('a newer worker tick', () => [...f.out.matchAll(/worker tick (\d+)/g)].some((m) => Number(m[1]) > Number(first)), 15_000);

    assert.equal(berth.cli(['run', app, '--', 'echo', 'follow-marker']).code, 0);
    await waitFor('the one-off\'s line', () => /^run\.[0-9a-f]+ \| follow-marker$/m.test(f.out), 15_000);

    wt.write('web.sh', wt.read('web.sh').replace('${RELEASE_NAME:-v1}', 'v2'));
    wt.commitAll('v2');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    await waitFor('the new release\'s web line', () => /^web\.1 \| web starting v2 on port 5000$/m.test(f.out), 30_000);
    f.stop();
  });

  it('keeps the output of a retired release, shown with --release', async () => {
    await waitFor('v1 containers to be retired', () => spawnSync('docker', ['ps', '-aq', '--filter', `label=berth.app=${app}`,
      '--filter', 'label=berth.release=1'], { encoding: 'utf8' }).stdout.trim() === '', 90_000);
    const v1 = berth.cli(['logs', app, '--release', 'v1', '-n', '1000']);
    assert.equal(v1.code, 0, v1.stderr);
    assert.match(v1.stdout, /^web\.1 \| web starting v1 on port 5000$/m);
    assert.match(v1.stdout, /^worker\.1 \| worker tick \d+$/m);
    assert.doesNotMatch(v1.stdout, /v2/);
    const v2 = berth.cli(['logs', app, '--release', '2']);
    assert.match(v2.stdout, /^web\.1 \| web starting v2 on port 5000$/m);
    assert.doesNotMatch(v2.stdout, /starting v1/);
  });
});
