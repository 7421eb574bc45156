/** Whole-database copies of berth's own state, for `berth backup:create` / `backup:restore` (app/backups/berth-backup.ts). */
export interface DatabaseCopies {
  /** A consistent copy of the live database, written to `file` while berth keeps running (SQLite's online backup API). */
  snapshotTo(file: string): Promise<void>;
  /**
   * Replaces every table's rows with those of the database in `file` (written by the same schema), in
   * one transaction, then reads the config-encryption key file again (a restore puts the backup's key there).
   */
  replaceWith(file: string): void;
}
