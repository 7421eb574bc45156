import type Database from 'better-sqlite3';
import type { MountRecord, MountsStore, ProcessStateStore } from '../../ports/process-state';
import { now } from './clock';

export function sqliteProcessStateStore(db: Database.Database): ProcessStateStore {
  return {
    isStopped(app) {
      const row = db.prepare<[string], { stopped: number }>('SELECT stopped FROM app_process_state WHERE app = ?').get(app);
      return row?.stopped === 1;
    },
    setStopped(app, stopped) {
      db.prepare('INSERT INTO app_process_state (app, stopped) VALUES (?, ?) ON CONFLICT(app) DO UPDATE SET stopped = excluded.stopped')
        .run(app, stopped ? 1 : 0);
    },
  };
}

interface MountRow { app: string; source: string; target: string; created_at: string }

const toMount = (r: MountRow): MountRecord => ({ app: r.app, source: r.source, target: r.target, createdAt: r.created_at });

export function sqliteMountsStore(db: Database.Database): MountsStore {
  return {
    list(app) {
      return db.prepare<[string], MountRow>('SELECT * FROM storage_mounts WHERE app = ? ORDER BY target').all(app).map(toMount);
    },
    add(m) {
      const at = now();
      db.prepare('INSERT INTO storage_mounts (app, source, target, created_at) VALUES (?, ?, ?, ?)').run(m.app, m.source, m.target, at);
      return { ...m, createdAt: at };
    },
    remove(app, target) {
      return db.prepare('DELETE FROM storage_mounts WHERE app = ? AND target = ?').run(app, target).changes > 0;
    },
  };
}
