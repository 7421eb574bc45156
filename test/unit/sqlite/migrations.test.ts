import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { MIGRATIONS } from '../../../app/infra/sqlite/migrations';

describe('SQLite migrations', () => {
  it('have unique, contiguous versions starting at 1', () => {
    const versions = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);
    assert.deepEqual(versions, versions.map((_, i) => i + 1));
  });

  it('apply once on a fresh database, and re-opening changes nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-mig-'));
    const file = path.join(dir, 'berth.db');
    const store = openSqliteStore(file);
    store.apps.insert('kept');
    store.close();
    const again = openSqliteStore(file);
    assert.equal(again.apps.get('kept')?.name, 'kept');
    again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('SQLite migrations from a user_version database', () => {
  it('adopts a database whose migrations were counted in user_version, in any order', () => {
    const Database = require('better-sqlite3');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-mig-legacy-'));
    const file = path.join(dir, 'berth.db');
    const db = new Database(file);
    // As the old migrate() did: some migrations applied, counted only in user_version.
    const sorted = [...MIGRATIONS].sort((a, b) => a.version - b.version);
    for (const m of [sorted[0], sorted[1], sorted[4]]) db.exec(m.sql);
    db.pragma('user_version = 3');
    db.prepare("INSERT INTO apps (name, created_at) VALUES ('old', 'then')").run();
    db.close();
    const store = openSqliteStore(file);
    assert.equal(store.apps.get('old')?.name, 'old');
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
