import type Database from 'better-sqlite3';
import type { FormationStore } from '../../ports/store';

export function sqliteFormationStore(db: Database.Database): FormationStore {
  return {
    get(app) {
      const rows = db.prepare<[string], { process: string; count: number }>('SELECT process, count FROM formation WHERE app = ?').all(app);
      return Object.fromEntries(rows.map((r) => [r.process, r.count]));
    },
    set(app, scale) {
      const upsert = db.prepare(
        'INSERT INTO formation (app, process, count) VALUES (?, ?, ?) ON CONFLICT(app, process) DO UPDATE SET count = excluded.count');
      db.transaction(() => { for (const [p, c] of Object.entries(scale)) upsert.run(app, p, c); })();
    },
  };
}
