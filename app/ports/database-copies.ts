/** Whole-database copies of berth's own state, for `berth backup:create` / `backup:restore` (app/backups/berth-backup.ts). */
export interface DatabaseCopies {
  /** A consistent copy of the live database, written to `file` while berth keeps running (SQLite's online backup API). */
  snapshotTo(file: string): Promise<void>;
  /**
   * Replaces every table's rows with those of the database in `file` (written by the same schema), in
   * one transaction, then seals and opens with the config-encryption key file's
   * key (a restore renames the backup's into place; every store on the file follows a replaced one).
   */
  replaceWith(file: string): void;
  /**
   * Restores the copy in `copy` into a fresh database in `scratchHome` (as backup:restore would),
   * with the key file `keyFile`, and answers what it held: schema, rows per table, sealed values
   * opened. Throws BACKUP_SCHEMA_MISMATCH, or BACKUP_UNVERIFIED when a sealed value does not open.
   */
  checkCopy(o: { copy: string; keyFile: string; scratchHome: string }): { schema: number; tables: Record<string, number>; sealed: number };
}
