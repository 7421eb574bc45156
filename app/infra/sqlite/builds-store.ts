import type Database from 'better-sqlite3';
import type { BuildRecord, BuildsStore, BuildStatus } from '../../ports/store';
import { now } from './clock';

interface Row {
  id: number; app: string; kind: string; status: BuildStatus; source: string; snapshot_path: string | null;
  user: string | null; error: string | null; release_version: number | null; created_at: string;
  started_at: string | null; finished_at: string | null;
}

const toRecord = (r: Row): BuildRecord => ({
  id: r.id, app: r.app, kind: r.kind, status: r.status, source: r.source, snapshotPath: r.snapshot_path,
  user: r.user, error: r.error, releaseVersion: r.release_version, createdAt: r.created_at,
  startedAt: r.started_at, finishedAt: r.finished_at,
});

export function sqliteBuildsStore(db: Database.Database): BuildsStore {
  const byId = db.prepare<[number], Row>('SELECT * FROM builds WHERE id = ?');
  return {
    create(b) {
      const info = db.prepare(
        "INSERT INTO builds (app, kind, status, source, snapshot_path, user, created_at) VALUES (?, ?, 'queued', ?, ?, ?, ?)")
        .run(b.app, b.kind, b.source, b.snapshotPath, b.user, now());
      return toRecord(byId.get(Number(info.lastInsertRowid))!);
    },
    get(app, id) {
      const row = byId.get(id);
      return row && row.app === app ? toRecord(row) : null;
    },
    getById(id) {
      const row = byId.get(id);
      return row ? toRecord(row) : null;
    },
    list(app, limit) {
      return db.prepare<[string, number], Row>('SELECT * FROM builds WHERE app = ? ORDER BY id DESC LIMIT ?')
        .all(app, limit).map(toRecord);
    },
    listByStatus(statuses) {
      if (statuses.length === 0) return [];
      const marks = statuses.map(() => '?').join(',');
      return db.prepare<string[], Row>(`SELECT * FROM builds WHERE status IN (${marks}) ORDER BY id`)
        .all(...statuses).map(toRecord);
    },
    markRunning(id) {
      db.prepare("UPDATE builds SET status = 'running', started_at = ? WHERE id = ?").run(now(), id);
    },
    finish(id, outcome) {
      db.prepare('UPDATE builds SET status = ?, error = ?, release_version = ?, finished_at = ?, snapshot_path = NULL WHERE id = ?')
        .run(outcome.status, outcome.error ?? null, outcome.releaseVersion ?? null, now(), id);
    },
  };
}
