import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BerthError } from '../../errors/berth-error';
import { databaseSchemaVersion } from './migrate';
import { createSecretBox, loadOrCreateKey } from './secret-box';

/** What a copy of berth's database held once restored into a scratch home. */
export interface DatabaseCheck {
  readonly schema: number;
  /** Rows per table (not schema_migrations). */
  readonly tables: Record<string, number>;
  /** Sealed values (config, credentials, passphrases, logins) that opened with the backup's key. */
  readonly sealed: number;
}

const SEALED = 'enc:v1:%';
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Proves a copy of berth.db (berth's own backup) as a restore would use it: `restore` puts its rows
 * into a fresh database of this berth's schema in `scratchHome` (the same path as backup:restore,
 * schema refused when it differs), then every table's rows are counted and every sealed value in
 * any column is opened with `keyFile` (the backup's key): one that does not open fails the check.
 */
export function checkDatabaseCopy(o: { copy: string; keyFile: string; scratchHome: string; restore: (dbFile: string, keyFile: string, copy: string) => void }): DatabaseCheck {
  fs.mkdirSync(o.scratchHome, { recursive: true, mode: 0o700 });
  const key = path.join(o.scratchHome, 'secret.key');
  fs.copyFileSync(o.keyFile, key);
  fs.chmodSync(key, 0o600);
  const file = path.join(o.scratchHome, 'berth.db');
  o.restore(file, key, o.copy);
  const db = new Database(file, { readonly: true });
  try {
    const box = createSecretBox(loadOrCreateKey(key));
    const tables: Record<string, number> = {};
    let sealed = 0;
    const names = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations' ORDER BY name").all().map((r) => r.name);
    for (const table of names) {
      tables[table] = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${quote(table)}`).get()!.n;
      const columns = db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(table).map((c) => c.name);
      for (const column of columns) {
        const values = db.prepare<[string], Record<string, unknown>>(`SELECT ${quote(column)} AS v FROM ${quote(table)} WHERE typeof(${quote(column)}) = 'text' AND ${quote(column)} LIKE ?`).all(SEALED);
        for (const { v } of values) {
          try {
            box.open(String(v));
          } catch {
            throw new BerthError('BACKUP_UNVERIFIED', `a sealed value in ${table}.${column} does not open with the backup's secret.key: config values and credentials would be lost`);
          }
          sealed += 1;
        }
      }
    }
    return { schema: databaseSchemaVersion(db), tables, sealed };
  } finally {
    db.close();
  }
}
