import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../app/infra/sqlite';

/** berth backup:create / backup:restore's database half: a snapshot of the live database, and its rows put into another. */
describe('SQLite database copies (berth backup)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dbcopy-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a snapshot taken while the store is open, restored into a fresh store with its key, reads back the sealed config and every row; none of the fresh rows stay', async () => {
    const old = openSqliteStore(path.join(dir, 'old', 'berth.db'));
    old.apps.insert('web');
    old.config.apply('web', { SECRET: 'hunter2' }, []);
    await old.snapshotTo(path.join(dir, 'snap.db'));
    old.apps.insert('later'); // after the snapshot: not in it
    const fresh = openSqliteStore(path.join(dir, 'new', 'berth.db'));
    const bootstrap = fresh.users.ensureUser('bootstrap', 'admin');
    fresh.users.addToken(bootstrap.id, 'h-bootstrap', 'bootstrap');
    fs.copyFileSync(path.join(dir, 'old', 'secret.key'), path.join(dir, 'new', 'secret.key'));
    fresh.replaceWith(path.join(dir, 'snap.db'));
    assert.deepEqual(fresh.apps.list().map((a) => a.name), ['web']);
    assert.deepEqual(fresh.config.get('web'), { SECRET: 'hunter2' }, 'sealed with the old key, opened with it after the restore');
    assert.equal(fresh.users.findByTokenHash('h-bootstrap'), null, 'the fresh install\'s users and tokens are replaced');
    fresh.config.apply('web', { MORE: 'x' }, []);
    assert.deepEqual(fresh.config.get('web'), { SECRET: 'hunter2', MORE: 'x' });
    old.close();
    fresh.close();
  });

  it('another store on the same home (the worker beside the web) seals and opens with the restored key once the key file is replaced', async () => {
    const old = openSqliteStore(path.join(dir, 'old', 'berth.db'));
    old.apps.insert('web');
    old.config.apply('web', { SECRET: 'hunter2' }, []);
    await old.snapshotTo(path.join(dir, 'snap.db'));
    old.close();
    const web = openSqliteStore(path.join(dir, 'new', 'berth.db'));
    const worker = openSqliteStore(path.join(dir, 'new', 'berth.db'));
    fs.copyFileSync(path.join(dir, 'old', 'secret.key'), path.join(dir, 'new', 'secret.key.tmp'));
    fs.renameSync(path.join(dir, 'new', 'secret.key.tmp'), path.join(dir, 'new', 'secret.key'));
    web.replaceWith(path.join(dir, 'snap.db'));
    assert.deepEqual(worker.config.get('web'), { SECRET: 'hunter2' });
    worker.config.apply('web', { FROM_WORKER: 'y' }, []);
    assert.deepEqual(web.config.get('web'), { SECRET: 'hunter2', FROM_WORKER: 'y' });
    web.close();
    worker.close();
  });

  it('refuses a database of another schema version before changing anything', async () => {
    const old = openSqliteStore(path.join(dir, 'old', 'berth.db'));
    old.apps.insert('web');
    await old.snapshotTo(path.join(dir, 'snap.db'));
    old.close();
    const raw = new Database(path.join(dir, 'snap.db'));
    raw.prepare('DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)').run();
    raw.close();
    const fresh = openSqliteStore(path.join(dir, 'new', 'berth.db'));
    fresh.apps.insert('mine');
    assert.throws(() => fresh.replaceWith(path.join(dir, 'snap.db')), (e: Error & { code?: string }) => e.code === 'BACKUP_SCHEMA_MISMATCH');
    assert.deepEqual(fresh.apps.list().map((a) => a.name), ['mine']);
    fresh.close();
  });
});
