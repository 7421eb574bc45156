import type Database from 'better-sqlite3';
import type { DeployWatchRecord, DeployWatchesStore, WatchStatus } from '../../ports/deploy-watches';

interface Row {
  app: string; version: number; previous: number | null; action: string; started_at: string; ends_at: string;
  status: string; reason: string | null; updated_at: string;
}

const toRecord = (r: Row): DeployWatchRecord => ({
  app: r.app, version: r.version, previous: r.previous, action: r.action === 'watch' ? 'watch' : 'rollback',
  startedAt: r.started_at, endsAt: r.ends_at, status: r.status as WatchStatus, reason: r.reason, updatedAt: r.updated_at,
});

export function sqliteDeployWatchesStore(db: Database.Database): DeployWatchesStore {
  return {
    put(w) {
      db.prepare(`INSERT INTO deploy_watches (app, version, previous, action, started_at, ends_at, status, reason, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, 'watching', NULL, ?)
        ON CONFLICT(app, version) DO UPDATE SET previous = excluded.previous, action = excluded.action, started_at = excluded.started_at,
          ends_at = excluded.ends_at, status = 'watching', reason = NULL, updated_at = excluded.updated_at`)
        .run(w.app, w.version, w.previous, w.action, w.startedAt, w.endsAt, w.startedAt);
    },
    get(app, version) {
      const row = db.prepare<[string, number], Row>('SELECT * FROM deploy_watches WHERE app = ? AND version = ?').get(app, version);
      return row ? toRecord(row) : null;
    },
    active() {
      return db.prepare<[], Row>("SELECT * FROM deploy_watches WHERE status = 'watching' ORDER BY started_at, app").all().map(toRecord);
    },
    list(app, limit) {
      return db.prepare<[string, number], Row>('SELECT * FROM deploy_watches WHERE app = ? ORDER BY version DESC LIMIT ?').all(app, limit).map(toRecord);
    },
    finish(app, version, status, reason, at) {
      return db.prepare("UPDATE deploy_watches SET status = ?, reason = ?, updated_at = ? WHERE app = ? AND version = ? AND status = 'watching'")
        .run(status, reason, at, app, version).changes === 1;
    },
    amend(app, version, status, reason, at) {
      db.prepare('UPDATE deploy_watches SET status = ?, reason = ?, updated_at = ? WHERE app = ? AND version = ?').run(status, reason, at, app, version);
    },
  };
}
