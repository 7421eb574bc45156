import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { SCHEMA_VERSION } from '../../../app/infra/sqlite/migrate';

const ROOT = path.resolve(__dirname, '../../../..');
const SCRIPT = path.join(ROOT, 'deploy/backup-db.js');
const backup = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('deploy/backup-db.js: install.sh\'s backup of berth.db before an upgrade', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-backup-db-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('copies a consistent snapshot while berth holds the database open (rows still in the WAL too) and keeps the newest 3', () => {
    const file = path.join(dir, 'berth.db');
    const backups = path.join(dir, 'backups', 'db');
    // The running berth: its connection stays open, its last writes are in berth.db-wal only.
    const store = openSqliteStore(file, { keyFile: path.join(dir, 'secret.key') });
    const printed: string[] = [];
    for (const app of ['one', 'two', 'three', 'four']) {
      store.apps.insert(app);
      const r = backup(file, backups, '3', 'ab12cd34ef56');
      assert.deepEqual([r.status, r.stderr], [0, '']);
      printed.push(r.stdout.trim());
    }
    store.close();
    for (const p of printed) assert.match(path.basename(p), new RegExp(`^berth-\\d{8}T\\d{9}Z-schema${SCHEMA_VERSION}-ab12cd34ef56\\.db$`));
    assert.deepEqual(fs.readdirSync(backups).sort(), printed.slice(1).map((p) => path.basename(p)).sort());
    const newest = new Database(printed[3], { readonly: true });
    assert.deepEqual((newest.prepare('SELECT name FROM apps ORDER BY name').all() as { name: string }[]).map((r) => r.name), ['four', 'one', 'three', 'two']);
    newest.close();
    assert.equal(fs.statSync(printed[3]).mode & 0o777, 0o600);
  });

  it('does nothing on a first install (no database) and refuses a bad keep', () => {
    const none = backup(path.join(dir, 'berth.db'), path.join(dir, 'backups'));
    assert.deepEqual([none.status, none.stdout, fs.existsSync(path.join(dir, 'backups'))], [0, 'no database yet: nothing to back up\n', false]);
    const bad = backup(path.join(dir, 'berth.db'), path.join(dir, 'backups'), '0');
    assert.deepEqual([bad.status, bad.stderr], [1, 'backup-db: keep must be a whole number of at least 1, not "0"\n']);
  });

  it('install.sh runs swap-berth.sh after npm ci; it backs up once the previous berth stopped, before the new one starts and may migrate', () => {
    const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
    const at = (lines: string[], re: RegExp) => { const i = lines.findIndex((l) => re.test(l)); assert.ok(i >= 0, `no line matches ${re}`); return i; };
    const install = read('deploy/install.sh');
    assert.ok(at(install, /bash "\$CHECKOUT\/deploy\/swap-berth\.sh"/) > at(install, /run_logged "npm ci"/), 'the swap (and its backup) runs after npm ci (it needs better-sqlite3)');
    const swap = read('deploy/swap-berth.sh');
    const backupLine = at(swap, /node "\$CHECKOUT\/deploy\/backup-db\.js" "\$BERTH_HOME\/berth\.db" "\$BERTH_HOME\/backups\/db" 3 /);
    assert.ok(backupLine > at(swap, /^stop_berth$/), 'the backup runs after the previous berth stopped');
    assert.ok(backupLine < at(swap, /^if start_berth "\$CHECKOUT"/), 'the backup runs before the new berth starts');
  });
});
