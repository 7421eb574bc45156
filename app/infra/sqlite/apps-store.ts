import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AppPatch, AppRecord, AppsStore } from '../../ports/store';
import { now } from './clock';

interface Row {
  uid: string; name: string; created_at: string; deploy_branch: string; builder: string | null; buildpack: string | null;
  restart_policy: string; memory_mb: number | null; cpus: number | null; locked?: number;
}

const toRecord = (r: Row): AppRecord => ({
  id: r.uid, name: r.name, createdAt: r.created_at, deployBranch: r.deploy_branch, builder: r.builder,
  buildpack: r.buildpack, restartPolicy: r.restart_policy, memoryMb: r.memory_mb, cpus: r.cpus, locked: r.locked === 1,
});

const COLUMNS: Record<keyof AppPatch, string> = {
  deployBranch: 'deploy_branch', builder: 'builder', buildpack: 'buildpack',
  restartPolicy: 'restart_policy', memoryMb: 'memory_mb', cpus: 'cpus', locked: 'locked',
};

export function sqliteAppsStore(db: Database.Database): AppsStore {
  const getStmt = db.prepare<[string], Row>('SELECT * FROM apps WHERE name = ?');
  return {
    insert(name) {
      // 12 hex digits: unique (checked by the index), and short enough for docker resource names.
      db.prepare('INSERT INTO apps (uid, name, created_at) VALUES (?, ?, ?)').run(crypto.randomBytes(6).toString('hex'), name, now());
      return toRecord(getStmt.get(name)!);
    },
    get(name) {
      const row = getStmt.get(name);
      return row ? toRecord(row) : null;
    },
    list() {
      return db.prepare<[], Row>('SELECT * FROM apps ORDER BY name').all().map(toRecord);
    },
    rename(from, to) {
      db.prepare('UPDATE apps SET name = ? WHERE name = ?').run(to, from);
    },
    update(name, patch) {
      for (const [key, value] of Object.entries(patch) as [keyof AppPatch, unknown][]) {
        const column = COLUMNS[key];
        // SQLite has no booleans: the lock is 0/1.
        if (column) db.prepare(`UPDATE apps SET ${column} = ? WHERE name = ?`).run(typeof value === 'boolean' ? Number(value) : value ?? null, name);
      }
      return toRecord(getStmt.get(name)!);
    },
    remove(name) {
      db.prepare('DELETE FROM apps WHERE name = ?').run(name);
    },
  };
}
