import type Database from 'better-sqlite3';
import type { LogDrainRecord, LogDrainsStore } from '../../ports/log-drains';
import { now } from './clock';

interface Row { id: number; app: string | null; url: string; privileged: number; created_at: string }
const record = (r: Row): LogDrainRecord => ({ id: r.id, app: r.app, url: r.url, privileged: r.privileged === 1, createdAt: r.created_at });

export function sqliteLogDrainsStore(db: Database.Database): LogDrainsStore {
  return {
    add(d) {
      const info = db.prepare('INSERT INTO log_drains (app, url, privileged, created_at) VALUES (?, ?, ?, ?)').run(d.app, d.url, d.privileged ? 1 : 0, now());
      return record(db.prepare<[number], Row>('SELECT * FROM log_drains WHERE id = ?').get(Number(info.lastInsertRowid))!);
    },
    list(app) {
      const rows = app === undefined ? db.prepare<[], Row>('SELECT * FROM log_drains ORDER BY id').all()
        : app === null ? db.prepare<[], Row>('SELECT * FROM log_drains WHERE app IS NULL ORDER BY id').all()
          : db.prepare<[string], Row>('SELECT * FROM log_drains WHERE app = ? ORDER BY id').all(app);
      return rows.map(record);
    },
    remove(id) {
      return db.prepare('DELETE FROM log_drains WHERE id = ?').run(id).changes > 0;
    },
  };
}
