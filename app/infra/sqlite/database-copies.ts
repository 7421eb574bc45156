import type Database from 'better-sqlite3';
import { BerthError } from '../../errors/berth-error';

const tablesOf = (db: Database.Database, schema: string): string[] => db
  .prepare<[], { name: string }>(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'`)
  .all().map((r) => r.name);

const columnsOf = (db: Database.Database, schema: string, table: string): string[] => db
  .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table.replace(/'/g, "''")}', '${schema}')`).all().map((r) => r.name);

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Copies the rows of the database in `file` into `db`, every table emptied first, in one
 * transaction (foreign keys checked at its end). Both must have the same schema version: a backup
 * of another schema is refused before anything is written.
 */
export function replaceRows(db: Database.Database, file: string): void {
  db.prepare('ATTACH DATABASE ? AS restored').run(file);
  try {
    const restoredVersion = (db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM restored.schema_migrations').get()?.v) ?? 0;
    const ours = (db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM main.schema_migrations').get()?.v) ?? 0;
    if (restoredVersion !== ours) {
      throw new BerthError('BACKUP_SCHEMA_MISMATCH', `The backup's database has schema version ${restoredVersion}, this berth's has ${ours}: restore it with the berth version that made it, then upgrade.`);
    }
    const restoredTables = new Set(tablesOf(db, 'restored'));
    db.transaction(() => {
      db.pragma('defer_foreign_keys = ON');
      for (const table of tablesOf(db, 'main')) {
        db.exec(`DELETE FROM main.${quote(table)}`);
        if (!restoredTables.has(table)) continue;
        const theirColumns = new Set(columnsOf(db, 'restored', table));
        const columns = columnsOf(db, 'main', table).filter((c) => theirColumns.has(c)).map(quote).join(', ');
        db.exec(`INSERT INTO main.${quote(table)} (${columns}) SELECT ${columns} FROM restored.${quote(table)}`);
      }
    })();
  } finally {
    db.exec('DETACH DATABASE restored');
  }
}
