import type Database from 'better-sqlite3';
import type { ConfigStore } from '../../ports/store';
import type { SecretBox } from './secret-box';

/** Values are sealed with the secret box: the database file alone does not reveal them. */
export function sqliteConfigStore(db: Database.Database, box: SecretBox): ConfigStore {
  return {
    get(app) {
      const rows = db.prepare<[string], { key: string; value: string }>(
        'SELECT key, value FROM config_vars WHERE app = ? ORDER BY key').all(app);
      return Object.fromEntries(rows.map((r) => [r.key, box.open(r.value)]));
    },
    apply(app, set, unset) {
      const upsert = db.prepare(
        'INSERT INTO config_vars (app, key, value) VALUES (?, ?, ?) ON CONFLICT(app, key) DO UPDATE SET value = excluded.value');
      const del = db.prepare('DELETE FROM config_vars WHERE app = ? AND key = ?');
      db.transaction(() => {
        for (const key of unset) del.run(app, key);
        for (const [key, value] of Object.entries(set)) upsert.run(app, key, box.seal(value));
      })();
    },
  };
}
