import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sweep-'));
  const deadApp = uniqueName('ghost');
  const liveApp = uniqueName('alive');
  const tagOf = (app: string) => `berth/${app}:v1`;
  const tagged = (app: string) => spawnSync('docker', ['image', 'inspect', tagOf(app)]).status === 0;

  /** A home as startBerth makes it, with a berth.db naming `app` and a pid file naming `pid`. */
  function home(hex: string, app: string, pid: number): string {
    const dir = path.join(tmp, `berth-test-${hex}-Ab12Cd`);
    fs.mkdirSync(dir);
    const db = new Database(path.join(dir, 'berth.db'));
    db.exec('CREATE TABLE apps (name TEXT PRIMARY KEY)');
    db.prepare('INSERT INTO apps (name) VALUES (?)').run(app);
    db.close();
    fs.writeFileSync(path.join(dir, PIDS_FILE), `${pid}\n`);
    assert.equal(spawnSync('docker', ['tag', 'berth/busybox:latest', tagOf(app)]).status, 0);
    return dir;
  }

  before(() => requireBerthStack());
  after(() => {
    spawnSync('docker', ['rmi', tagOf(deadApp), tagOf(liveApp)]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('untags the dead home\'s apps and removes it; leaves a live home and its tags', () => {
    const gone = spawnSync('true');
    const dead = home('dead00', deadApp, gone.pid!);
    const live = home('a11ve0', liveApp, process.pid);
    const swept = sweepLeftovers({ tmpDir: tmp, now: Date.now() + STALE_AFTER_MS + 60_000 });
    assert.deepEqual(swept.homes, [dead]);
    assert.equal(fs.existsSync(dead), false);
    assert.equal(tagged(deadApp), false, 'the dead home\'s app tag is gone');
    assert.equal(fs.existsSync(live), true);
    assert.equal(tagged(liveApp), true, 'a live berth\'s app keeps its tag');
  });
});
