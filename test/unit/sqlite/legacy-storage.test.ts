import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { EventsService } from '../../../app/events';
import { StorageService } from '../../../app/storage';
import { readersOf } from '../../support/store-readers';

describe('existing installs: apps without ids and storage folders by name', () => {
  it('migration 11 gives every app a distinct 12-hex id; the storage folder moves to storage/<id> and its mount records follow', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-legacy-'));
    try {
      const file = path.join(dir, 'berth.db');
      const storageDir = path.join(dir, 'storage');
      const store = openSqliteStore(file);
      store.apps.insert('shop');
      store.apps.insert('blog');
      store.close();
      // What a berth before migration 11 had: no ids.
      const db = new Database(file);
      db.exec("DELETE FROM schema_migrations WHERE version = 11; DROP INDEX apps_uid; ALTER TABLE apps DROP COLUMN uid;");
      db.close();
      fs.mkdirSync(path.join(storageDir, 'shop', 'files'), { recursive: true });
      fs.writeFileSync(path.join(storageDir, 'shop', 'files', 'a.txt'), 'data');

      const again = openSqliteStore(file);
      const [blog, shop] = again.apps.list();
      assert.match(shop!.id, /^[0-9a-f]{12}$/);
      assert.notEqual(shop!.id, blog!.id);
      again.mounts.add({ app: 'shop', source: path.join(storageDir, 'shop', 'files'), target: '/files' });
      again.mounts.add({ app: 'shop', source: 'berth-shop-data', target: '/data' });
      const storage = new StorageService({ store: again, ...readersOf(again), events: new EventsService(again.events), storageDir });
      const lines: string[] = [];
      storage.adoptLegacyFolders((l) => lines.push(l));
      const root = path.join(storageDir, shop!.id);
      assert.deepEqual(lines, [`storage: moved ${path.join(storageDir, 'shop')} to ${root}`]);
      assert.equal(fs.readFileSync(path.join(root, 'files', 'a.txt'), 'utf8'), 'data');
      assert.equal(fs.existsSync(path.join(storageDir, 'shop')), false);
      const mounts = () => again.mounts.list('shop').map((m) => [m.source, m.target]).sort();
      assert.deepEqual(mounts(), [[path.join(root, 'files'), '/files'], ['berth-shop-data', '/data']], 'old volume names stay: they are the app\'s data');
      assert.deepEqual(storage.mountsForStart('shop').map((m) => m.source).sort(), [path.join(root, 'files'), 'berth-shop-data']);
      storage.adoptLegacyFolders((l) => lines.push(l));
      assert.equal(lines.length, 1, 'a second start changes nothing');
      again.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('service credentials stored in plain text by an older berth are sealed when the store opens, and read back the same', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-legacy-'));
    try {
      const file = path.join(dir, 'berth.db');
      const store = openSqliteStore(file);
      store.services.insert({ plugin: 'redis', name: 'cache', image: 'i', credentials: { password: 'hunter2hunter2' } });
      store.close();
      const db = new Database(file);
      db.prepare('UPDATE services SET credentials = ?').run(JSON.stringify({ password: 'hunter2hunter2' }));
      db.close();
      const again = openSqliteStore(file);
      assert.deepEqual(again.services.get('redis', 'cache')!.credentials, { password: 'hunter2hunter2' });
      again.close();
      const raw = new Database(file, { readonly: true });
      const row = raw.prepare('SELECT credentials FROM services').get() as { credentials: string };
      raw.close();
      assert.match(row.credentials, /^enc:v1:/);
      assert.equal(row.credentials.includes('hunter2'), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
