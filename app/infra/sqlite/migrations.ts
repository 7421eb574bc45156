import type Database from 'better-sqlite3';

/** Versioned schema changes; each runs once, in order, inside a transaction. Never edit a shipped one. */
export const MIGRATIONS: readonly string[] = [
  // 1: the core
  `CREATE TABLE apps (
     name TEXT PRIMARY KEY,
     created_at TEXT NOT NULL,
     deploy_branch TEXT NOT NULL DEFAULT 'main',
     builder TEXT,
     buildpack TEXT,
     restart_policy TEXT NOT NULL DEFAULT 'unless-stopped',
     memory_mb INTEGER,
     cpus REAL
   );
   CREATE TABLE config_vars (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (app, key)
   );
   CREATE TABLE events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     app TEXT,
     kind TEXT NOT NULL,
     message TEXT NOT NULL,
     user TEXT,
     at TEXT NOT NULL
   );
   CREATE INDEX events_app ON events(app, id);
   CREATE TABLE users (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL UNIQUE,
     role TEXT NOT NULL
   );
   CREATE TABLE tokens (
     hash TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     label TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
  // 2: builds, releases, domains, formation
  `CREATE TABLE builds (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     kind TEXT NOT NULL,
     status TEXT NOT NULL,
     source TEXT NOT NULL,
     snapshot_path TEXT,
     user TEXT,
     error TEXT,
     release_version INTEGER,
     created_at TEXT NOT NULL,
     started_at TEXT,
     finished_at TEXT
   );
   CREATE INDEX builds_app ON builds(app, id);
   CREATE TABLE releases (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     version INTEGER NOT NULL,
     image TEXT NOT NULL,
     git_sha TEXT,
     config TEXT NOT NULL,
     processes TEXT NOT NULL,
     port INTEGER NOT NULL,
     description TEXT NOT NULL,
     user TEXT,
     created_at TEXT NOT NULL,
     PRIMARY KEY (app, version)
   );
   CREATE TABLE current_releases (
     app TEXT PRIMARY KEY REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     version INTEGER NOT NULL
   );
   CREATE TABLE domains (
     domain TEXT PRIMARY KEY,
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE
   );
   CREATE TABLE formation (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     process TEXT NOT NULL,
     count INTEGER NOT NULL,
     PRIMARY KEY (app, process)
   );`,
];

export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
