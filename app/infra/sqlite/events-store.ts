import type Database from 'better-sqlite3';
import type { EventRecord, EventsStore } from '../../ports/store';
import { now } from './clock';

export function sqliteEventsStore(db: Database.Database): EventsStore {
  return {
    add(event) {
      const at = now();
      const info = db.prepare('INSERT INTO events (app, kind, message, user, source, at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(event.app, event.kind, event.message, event.user, event.source ?? null, at);
      return { ...event, id: Number(info.lastInsertRowid), at };
    },
    list({ app, limit }) {
      const rows = app
        ? db.prepare<[string, number], EventRecord>('SELECT * FROM events WHERE app = ? ORDER BY id DESC LIMIT ?').all(app, limit)
        : db.prepare<[number], EventRecord>('SELECT * FROM events ORDER BY id DESC LIMIT ?').all(limit);
      return rows.reverse();
    },
    pruneBefore(at, o) {
      if (o.dryRun) return (db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM events WHERE at < ?').get(at)?.n ?? 0);
      return db.prepare('DELETE FROM events WHERE at < ?').run(at).changes;
    },
  };
}
