import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { createSecretBox, loadOrCreateKey } from '../../../app/infra/sqlite/secret-box';
import { migrate, SCHEMA_VERSION } from '../../../app/infra/sqlite/migrate';
import { berthVersion } from '../../../app/version';

const MAIN = path.resolve(__dirname, '../../../app/main.js');
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('Upgrades: a database from an older schema', () => {
  it('is migrated to the latest schema and keeps every app, config var, domain and release exactly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-upgrade-'));
    const file = path.join(dir, 'berth.db');
    const keyFile = path.join(dir, 'secret.key');
    // Before migration 20 (manifests parsed from old releases' app.json), which the release check below needs:
    // a fixed version, not "three ago", which moved past 20 as soon as a 23rd migration came.
    const old = 19;
    assert.ok(SCHEMA_VERSION - old >= 3);
    // As an older berth left it: its schema, rows written in its shape.
    const db = new Database(file);
    migrate(db, { upTo: old });
    assert.equal((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v, old);
    const box = createSecretBox(loadOrCreateKey(keyFile));
    db.prepare("INSERT INTO apps (name, created_at, deploy_branch, memory_mb, locked) VALUES ('shop', '2026-01-02T03:04:05.000Z', 'prod', 256, 1)").run();
    db.prepare("INSERT INTO apps (name, created_at) VALUES ('blog', '2026-02-03T04:05:06.000Z')").run();
    db.prepare('INSERT INTO config_vars (app, key, value) VALUES (?, ?, ?)').run('shop', 'DATABASE_URL', box.seal('postgres://u:p@db/shop'));
    db.prepare('INSERT INTO config_vars (app, key, value) VALUES (?, ?, ?)').run('shop', 'MODE', box.seal('live'));
    db.prepare("INSERT INTO domains (domain, app) VALUES ('shop.example.test', 'shop'), ('www.shop.example.test', 'shop'), ('blog.example.test', 'blog')").run();
    db.prepare(`INSERT INTO releases (app, version, image, git_sha, config, processes, port, description, user, created_at, app_json, manifest)
      VALUES ('shop', 1, 'berth/shop:v1', 'a1b2c3', ?, '{"web":"node server.js"}', 5000, 'push a1b2c3', 'ada', '2026-01-02T03:05:00.000Z', ?, NULL)`)
      .run(box.seal(JSON.stringify({ MODE: 'live' })), '{ "formation": { "worker": 2 } }');
    db.close();

    const store = openSqliteStore(file, { keyFile });
    const apps = store.apps.list().map((a) => ({ name: a.name, createdAt: a.createdAt, branch: a.deployBranch, memory: a.memoryMb, locked: a.locked }));
    assert.deepEqual(apps, [
      { name: 'blog', createdAt: '2026-02-03T04:05:06.000Z', branch: 'main', memory: null, locked: false },
      { name: 'shop', createdAt: '2026-01-02T03:04:05.000Z', branch: 'prod', memory: 256, locked: true },
    ]);
    assert.deepEqual(store.config.get('shop'), { DATABASE_URL: 'postgres://u:p@db/shop', MODE: 'live' });
    assert.deepEqual(store.config.get('blog'), {});
    assert.deepEqual(store.domains.list('shop'), ['shop.example.test', 'www.shop.example.test']);
    assert.deepEqual(store.domains.list('blog'), ['blog.example.test']);
    const r = store.releases.get('shop', 1)!;
    assert.deepEqual({ image: r.image, gitSha: r.gitSha, config: r.config, processes: r.processes, port: r.port, description: r.description, user: r.user, createdAt: r.createdAt, appJson: r.appJson },
      { image: 'berth/shop:v1', gitSha: 'a1b2c3', config: { MODE: 'live' }, processes: { web: 'node server.js' }, port: 5000, description: 'push a1b2c3', user: 'ada', createdAt: '2026-01-02T03:05:00.000Z', appJson: '{ "formation": { "worker": 2 } }' });
    // Migration 20 (run after these rows were written) parsed the old release's app.json into its manifest.
    assert.deepEqual(r.manifest.formation, { worker: 2 });
    store.close();
    const after = new Database(file);
    assert.deepEqual((after.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((x) => x.version),
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    after.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('Upgrades: a database written by a newer schema', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-newer-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Today's database with one migration more, as a newer berth would leave it. */
  function newerDatabase(): string {
    const file = path.join(dir, 'berth.db');
    const store = openSqliteStore(file, { keyFile: path.join(dir, 'secret.key') });
    store.apps.insert('kept');
    store.close();
    const db = new Database(file);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from a newer berth', '2027-01-01T00:00:00.000Z')").run(SCHEMA_VERSION + 1);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    return file;
  }

  it('berth refuses to start: DATABASE_TOO_NEW naming both versions and what to do; the database is untouched', () => {
    const file = newerDatabase();
    const before = sha256(file);
    const res = spawnSync(process.execPath, [MAIN, 'start'], {
      env: { ...process.env, BERTH_HOME: dir }, encoding: 'utf8', timeout: 60_000,
    });
    assert.equal(res.status, 1, res.stdout + res.stderr);
    assert.equal(res.stderr, `berth: DATABASE_TOO_NEW: The database ${file} has schema version ${SCHEMA_VERSION + 1}, newer than this berth's ${SCHEMA_VERSION} `
      + `(berth ${berthVersion()}): it was written by a newer berth. Install that newer berth again (git checkout the newer commit, bash deploy/install.sh), `
      + 'or restore the database backup deploy/install.sh made before upgrading (docs/upgrading.md). Nothing was changed.\n');
    assert.equal(sha256(file), before);
    const db = new Database(file, { readonly: true });
    assert.equal((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v, SCHEMA_VERSION + 1);
    db.close();
  });

  it('a user_version above the code\'s highest migration is refused the same way', () => {
    const file = path.join(dir, 'berth.db');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    const before = sha256(file);
    assert.throws(() => openSqliteStore(file, { keyFile: path.join(dir, 'secret.key') }),
      (e: Error & { code?: string }) => e.code === 'DATABASE_TOO_NEW' && e.message.startsWith(`The database ${file} has schema version ${SCHEMA_VERSION + 5}, newer than this berth's ${SCHEMA_VERSION} `));
    assert.equal(sha256(file), before);
    const check = new Database(file, { readonly: true });
    assert.equal((check.prepare('SELECT COUNT(*) AS n FROM sqlite_master').get() as { n: number }).n, 0);
    check.close();
  });
});

describe('Upgrades: a migration that fails midway', () => {
  it('leaves nothing of itself (each migration is one transaction) and the error goes up', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-midway-'));
    const db = new Database(path.join(dir, 'berth.db'));
    const migrations = [
      { version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER);' },
      { version: 2, name: 'two, broken after its first statement', sql: 'CREATE TABLE two (x INTEGER); INSERT INTO two VALUES (1); INSERT INTO missing VALUES (1);' },
    ];
    assert.throws(() => migrate(db, { migrations }), /no such table: missing/);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    assert.deepEqual(tables, ['one', 'schema_migrations']);
    assert.deepEqual((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version), [1]);
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
