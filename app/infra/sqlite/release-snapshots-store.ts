import type Database from 'better-sqlite3';
import type { ReleaseSnapshotsStore, SnapshotRecord } from '../../ports/release-snapshots';

/** Table of app/snapshots: which database dumps were taken before which release. */
export function sqliteReleaseSnapshotsStore(db: Database.Database): ReleaseSnapshotsStore {
  type Row = { app: string; version: number; plugin: string; service: string; file: string; size: number; created_at: string };
  const toRecord = (r: Row): SnapshotRecord => ({ app: r.app, version: r.version, plugin: r.plugin, service: r.service, file: r.file, size: r.size, createdAt: r.created_at });
  return {
    add(r) {
      db.prepare('INSERT OR REPLACE INTO release_snapshots (app, version, plugin, service, file, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(r.app, r.version, r.plugin, r.service, r.file, r.size, r.createdAt);
    },
    ofRelease(app, version) {
      return db.prepare<[string, number], Row>('SELECT * FROM release_snapshots WHERE app = ? AND version = ? ORDER BY plugin, service').all(app, version).map(toRecord);
    },
    ofApp(app) {
      return db.prepare<[string], Row>('SELECT * FROM release_snapshots WHERE app = ? ORDER BY version DESC, plugin, service').all(app).map(toRecord);
    },
    remove(app, version) {
      db.prepare('DELETE FROM release_snapshots WHERE app = ? AND version = ?').run(app, version);
    },
  };
}
