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
}
