import type Database from 'better-sqlite3';
import type { DrainRecord, DrainSettings, DrainSettingsStore, DrainsStore } from '../../ports/drains';

interface Row {
  container_id: string; app: string; name: string; port: number | null; retire_wait: number; stop_timeout: number;
  since: string; phase: string; stopping_at: string | null;
}

const toRecord = (r: Row): DrainRecord => ({
  containerId: r.container_id, app: r.app, name: r.name, port: r.port, retireWaitSeconds: r.retire_wait,
  stopTimeoutSeconds: r.stop_timeout, since: r.since, phase: r.phase === 'stopping' ? 'stopping' : 'draining', stoppingAt: r.stopping_at,
});

export function sqliteDrainsStore(db: Database.Database): DrainsStore {
  const insert = db.prepare(`INSERT OR IGNORE INTO container_drains (container_id, app, name, port, retire_wait, stop_timeout, since, phase)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'draining')`);
  return {
    add(rows) {
      db.transaction(() => {
        for (const r of rows) insert.run(r.containerId, r.app, r.name, r.port, r.retireWaitSeconds, r.stopTimeoutSeconds, r.since);
      })();
    },
    list(app) {
      const rows = app === undefined
        ? db.prepare<[], Row>('SELECT * FROM container_drains ORDER BY since, name').all()
        : db.prepare<[string], Row>('SELECT * FROM container_drains WHERE app = ? ORDER BY since, name').all(app);
      return rows.map(toRecord);
    },
    has(containerId) {
      return db.prepare<[string], { n: number }>('SELECT 1 AS n FROM container_drains WHERE container_id = ?').get(containerId) !== undefined;
    },
    markStopping(containerId, at) {
      db.prepare("UPDATE container_drains SET phase = 'stopping', stopping_at = ? WHERE container_id = ?").run(at, containerId);
    },
    remove(containerId) {
      db.prepare('DELETE FROM container_drains WHERE container_id = ?').run(containerId);
    },
  };
}

export function sqliteDrainSettingsStore(db: Database.Database): DrainSettingsStore {
  const get = (app: string): DrainSettings => {
    const row = db.prepare<[string], { retire_wait: number | null; stop_timeout: number | null }>(
      'SELECT retire_wait, stop_timeout FROM app_drain_settings WHERE app = ?').get(app);
    return { retireWaitSeconds: row?.retire_wait ?? null, stopTimeoutSeconds: row?.stop_timeout ?? null };
  };
  return {
    get,
    set(app, patch) {
      const next = { ...get(app), ...patch };
      db.prepare(`INSERT INTO app_drain_settings (app, retire_wait, stop_timeout) VALUES (?, ?, ?)
        ON CONFLICT(app) DO UPDATE SET retire_wait = excluded.retire_wait, stop_timeout = excluded.stop_timeout`)
        .run(app, next.retireWaitSeconds, next.stopTimeoutSeconds);
      return next;
    },
  };
}
