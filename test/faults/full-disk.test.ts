import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { describeLoad, SLOW_REQUESTS, steadyLoad, type RunningLoad } from '../support/load';
import { useBerth } from '../support/use-berth';
import { latestBuild, waitFor } from './fault-support';

const run = (cmd: string, args: string[]): void => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
};

describe('fault: $BERTH_HOME on a full disk (a 64 MB loop-mounted ext4): a push fails with a clear "no space" message, deployed apps keep serving, and berth recovers once space is freed', function () {
  this.timeout(600_000);
  let mount = '';
  let image = '';
  let load: RunningLoad | undefined;
  const trees: WorkTree[] = [];
  // TMPDIR while berth starts (set in setUp), put back once it runs, or at the end if it never did.
  let savedTmp: { value: string | undefined } | null = null;
  const restoreTmp = () => {
    if (!savedTmp) return;
    if (savedTmp.value === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = savedTmp.value;
    savedTmp = null;
  };

  // Registered before useBerth: runs before berth is destroyed.
  after(async () => {
    await load?.stop().catch(() => undefined);
    trees.forEach((t) => t.remove());
  });
  const berth = useBerth({ BERTH_RETIRE_WAIT: '10' }, {
    setUp() {
      // Loop-mounting the small disk needs root; test/run.sh runs the integration tests as root.
      if (process.getuid?.() !== 0) throw new Error('the full-disk fault test loop-mounts a disk and needs root: run `npm test` as root');
      image = path.join(os.tmpdir(), `berth-full-${process.pid}.img`);
      mount = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-full-mnt-'));
      run('dd', ['if=/dev/zero', `of=${image}`, 'bs=1M', 'count=64', 'status=none']);
      run('mkfs.ext4', ['-q', '-F', image]);
      run('mount', ['-o', 'loop', image, mount]);
      // startBerth makes its home under os.tmpdir(), which follows TMPDIR: the home lands on the small disk.
      savedTmp = { value: process.env.TMPDIR };
      process.env.TMPDIR = mount;
    },
  });
  before(() => {
    restoreTmp();
    assert.ok(berth.home.startsWith(mount));
  });
  // Registered after useBerth: the disk goes once berth (and its home on it) is gone.
  after(() => {
    restoreTmp();
    if (mount) {
      spawnSync('umount', ['-l', mount]);
      fs.rmSync(mount, { recursive: true, force: true });
    }
    if (image) fs.rmSync(image, { force: true });
  });

  it('with the disk full, a push fails saying the disk is full, the deployed app serves throughout, and a push after freeing space deploys', async () => {
    const app = uniqueName('full');
    const wt = WorkTree.fromFixture('slow-build-app');
    trees.push(wt);
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'slow-build-app v1');
    // Slow requests (1–3 s) in flight throughout: while the disk is full, and when v2 replaces v1.
    load = await steadyLoad({ port: berth.routerPort, host: `${app}.localhost`, rps: 20, slow: SLOW_REQUESTS });
    await waitFor('slow requests being answered', async () => load!.progress().slowOk >= 1, 60);

    // Fill the disk: one big file, then small ones until nothing more fits.
    const filler = path.join(mount, 'filler');
    fs.mkdirSync(filler);
    spawnSync('dd', ['if=/dev/zero', `of=${path.join(filler, 'big')}`, 'bs=1M', 'count=200', 'status=none']);
    for (let i = 0; i < 2000; i++) {
      try { fs.writeFileSync(path.join(filler, `f${i}`), Buffer.alloc(4096)); } catch { break; }
    }

    wt.write('www/index.html', 'slow-build-app v2\n');
    wt.write('www/extra.bin', Buffer.alloc(256 * 1024, 7).toString('base64'));
    wt.commitAll('v2 on a full disk');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0, `the push succeeded on a full disk:\n${pushed.output}`);
    // berth's DISK_FULL pre-check answers, before git writes anything: git's own "No space left on
    // device" from an object write (what a push got without the check) does not match this.
    assert.match(pushed.output, /berth: No space left on the disk holding berth's repositories \(.+: \d+\.\d MiB free\)\. Free some space/, `not berth's DISK_FULL answer:\n${pushed.output}`);
    assert.doesNotMatch(pushed.output, /Writing objects|ENOSPC|No space left on device/, `git got as far as sending objects:\n${pushed.output}`);
    assert.equal((await latestBuild(berth!, app))?.status, 'succeeded', 'no build was started for the refused push');
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'slow-build-app v1');
    assert.equal((await berth.api('GET', '/healthz')).status, 200, 'berth itself is still up');

    fs.rmSync(filler, { recursive: true, force: true });
    wt.commitAll('v2 again, with space');
    const again = wt.push(berth.url, berth.token, app);
    assert.equal(again.code, 0, again.output);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'slow-build-app v2');
    const b = await latestBuild(berth!, app);
    assert.equal(b?.status, 'succeeded');

    const result = await load.stop();
    load = undefined;
    assert.ok(result.slowSent >= 5, `slow requests were mixed in: ${describeLoad(result)}`);
    assert.equal(result.failed, 0, `the deployed app failed requests while the disk was full or v2 replaced v1:\n${describeLoad(result)}`);
    assert.equal(result.slowOk, result.slowSent, describeLoad(result));
  });
});
