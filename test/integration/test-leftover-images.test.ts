import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { uniqueName } from '../support/berth-process';
import { PIDS_FILE, STALE_AFTER_MS, sweepLeftovers } from '../support/leftovers';
import { requireBerthStack } from '../support/requirements';

/**
 * The sweep of what killed test berths leave, against the real engine: a dead home's apps lose
 * their image tags (a killed run's `berth/<app>:v1` otherwise sits on the image id the next run's
 * identical fixture build gets, which berth then refuses as another app's), a live one's keep them.
 */
describe('test support: a killed test berth\'s apps lose their image tags when its home is swept', function () {
  this.timeout(60_000);
  const homes: string[] = [];
  const deadApp = uniqueName('ghost');
  const liveApp = uniqueName('alive');
  const tagOf = (app: string) => `berth/${app}:v1`;
  const tagged = (app: string) => spawnSync('docker', ['image', 'inspect', tagOf(app)]).status === 0;

  /**
   * A home as startBerth makes it, in the real tmpdir (sweepLeftovers with another tmpDir would take
   * every live test berth's network for an orphan), with a berth.db naming `app`, a pid file naming
   * `pid`, last changed past STALE_AFTER_MS.
   */
  function home(app: string, pid: number): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-test-${crypto.randomBytes(3).toString('hex')}-`));
    homes.push(dir);
    const db = new Database(path.join(dir, 'berth.db'));
    db.exec('CREATE TABLE apps (name TEXT PRIMARY KEY)');
    db.prepare('INSERT INTO apps (name) VALUES (?)').run(app);
    db.close();
    fs.writeFileSync(path.join(dir, PIDS_FILE), `${pid}\n`);
    const old = new Date(Date.now() - STALE_AFTER_MS - 60_000);
    fs.utimesSync(path.join(dir, PIDS_FILE), old, old);
    fs.utimesSync(dir, old, old);
    assert.equal(spawnSync('docker', ['tag', 'berth/busybox:latest', tagOf(app)]).status, 0);
    return dir;
  }

  before(() => requireBerthStack());
  after(() => {
    spawnSync('docker', ['rmi', tagOf(deadApp), tagOf(liveApp)]);
    for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
  });

  it('untags the dead home\'s apps and removes it; leaves a live home and its tags', () => {
    const gone = spawnSync('true');
    const dead = home(deadApp, gone.pid!);
    const live = home(liveApp, process.pid);
    const swept = sweepLeftovers();
    assert.ok(swept.homes.includes(dead) && !swept.homes.includes(live), swept.homes.join(' '));
    assert.equal(fs.existsSync(dead), false);
    assert.equal(tagged(deadApp), false, 'the dead home\'s app tag is gone');
    assert.equal(fs.existsSync(live), true);
    assert.equal(tagged(liveApp), true, 'a live berth\'s app keeps its tag');
  });

  it('a sweep of another folder leaves the engine\'s networks alone (it cannot know their homes)', () => {
    const net = `berth-test-${crypto.randomBytes(3).toString('hex')}`;
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sweep-elsewhere-'));
    homes.push(elsewhere);
    assert.equal(spawnSync('docker', ['network', 'create', net]).status, 0);
    try {
      assert.deepEqual(sweepLeftovers({ tmpDir: elsewhere }), { homes: [], networks: [] });
      assert.equal(spawnSync('docker', ['network', 'inspect', net]).status, 0, 'the network is still there');
    } finally {
      spawnSync('docker', ['network', 'rm', net]);
    }
  });
});
