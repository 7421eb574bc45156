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

describe('SQLite migration 20: manifests of releases made before the manifest column', () => {
  it('parses each old release\'s app.json once into its manifest row; the store then reads it without parsing (a broken one counts as none)', () => {
    const Database = require('better-sqlite3');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-mig-manifest-'));
    const file = path.join(dir, 'berth.db');
    // A release written through the store, for its sealed config snapshot (copied into the old rows).
    const store = openSqliteStore(file);
    store.apps.insert('old');
    store.releases.create({
      app: 'old', image: 'berth/old:v1', gitSha: null, config: {}, processes: {}, port: 5000, appJson: null,
      manifest: { healthchecks: {}, predeploy: null, postdeploy: null, cron: [], formation: {} }, detectedPorts: null, description: 'x', user: null,
    });
    store.close();
    // As a database left before migration 20: release rows with the app.json text and no manifest.
    const raw = new Database(file);
    const { config } = raw.prepare('SELECT config FROM releases').get();
    raw.prepare('DELETE FROM releases').run();
    const insert = raw.prepare(`INSERT INTO releases (app, version, image, git_sha, config, processes, port, description, user, created_at, app_json, manifest)
      VALUES ('old', ?, 'berth/old:v1', NULL, ?, '{}', 5000, 'push', NULL, 'then', ?, NULL)`);
    insert.run(1, config, '{ "cron": [{ "name": "tick", "command": "echo hi", "schedule": "@daily" }], "formation": { "worker": 2 }, }');
    insert.run(2, config, '{ "formation": ');
    raw.prepare('DELETE FROM schema_migrations WHERE version = 20').run();
    raw.close();

    const migrated = openSqliteStore(file);
    const v1 = migrated.releases.get('old', 1)!;
    assert.deepEqual(v1.manifest.cron, [{ name: 'tick', command: 'echo hi', schedule: '0 0 * * *' }]);
    assert.deepEqual(v1.manifest.formation, { worker: 2 });
    assert.deepEqual(migrated.releases.get('old', 2)!.manifest, { healthchecks: {}, predeploy: null, postdeploy: null, cron: [], formation: {} });
    migrated.close();
    const check = new Database(file);
    assert.equal(check.prepare('SELECT COUNT(*) AS n FROM releases WHERE manifest IS NULL').get().n, 0);
    check.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
