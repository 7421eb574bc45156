import type Database from 'better-sqlite3';
import { BerthError } from '../../errors/berth-error';
import { berthVersion } from '../../version';
import { MIGRATIONS, type Migration } from './migrations';

/** The schema version this code writes: its highest migration. */
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/**
 * The schema version a database says it has (its highest recorded migration, or user_version), read
 * without writing anything: a database from a newer berth must be left exactly as it is.
 */
export function databaseSchemaVersion(db: Database.Database): number {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  const recorded = hasTable ? (db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations').get()?.v ?? 0) : 0;
  return Math.max(recorded, db.pragma('user_version', { simple: true }) as number);
}

/** Throws DATABASE_TOO_NEW, having written nothing, when a newer berth wrote the database. */
export function refuseNewerSchema(db: Database.Database): void {
  const found = databaseSchemaVersion(db);
  if (found > SCHEMA_VERSION) {
    throw new BerthError('DATABASE_TOO_NEW', `The database ${db.name} has schema version ${found}, newer than this berth's ${SCHEMA_VERSION} `
      + `(berth ${berthVersion()}): it was written by a newer berth. Install that newer berth again (git checkout the newer commit, bash deploy/install.sh), `
      + 'or restore the database backup deploy/install.sh made before upgrading (docs/upgrading.md). Nothing was changed.');
  }
}

/**
 * Applies every migration not yet recorded in schema_migrations, in version order, each in its
 * own transaction (one that fails midway leaves nothing of itself). Tracking by version (not a
 * single counter) keeps a database consistent even when migrations were added in a different
 * order while being developed. A database written by a newer schema is refused before anything is
 * written: this code cannot know what the newer migrations changed. Tests stop early (`upTo`) or
 * hand their own list (`migrations`).
 */
export function migrate(db: Database.Database, o: { upTo?: number; migrations?: readonly Migration[] } = {}): number {
  const migrations = o.migrations ?? MIGRATIONS;
  const upTo = o.upTo ?? SCHEMA_VERSION;
  refuseNewerSchema(db);
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare<[], { version: number }>('SELECT version FROM schema_migrations').all().map((r) => r.version));
  // Databases made before schema_migrations existed counted applied migrations in user_version;
  // their migrations ran whole, in transactions, so one that fails as "already exists" is done.
  const legacy = applied.size === 0 && (db.pragma('user_version', { simple: true }) as number) > 0;
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version) || m.version > upTo) continue;
    try {
      db.transaction(() => {
        if (m.sql) db.exec(m.sql);
        m.run?.(db);
        record.run(m.version, m.name, new Date().toISOString());
      })();
    } catch (e) {
      if (!legacy || !/already exists|duplicate column name/i.test((e as Error).message)) throw e;
      record.run(m.version, m.name, new Date().toISOString());
    }
  }
  return migrations.length;
}
