import type Database from 'better-sqlite3';
import type { SessionsStore } from '../../ports/sessions';
import type { UserRecord } from '../../ports/store';
import { now } from './clock';

interface SessionRow { user_id: number; csrf: string; created_at: string; expires_at: string; name: string; role: UserRecord['role'] }

export function sqliteSessionsStore(db: Database.Database): SessionsStore {
  return {
    setPassword(userId, hash) {
      db.prepare(`INSERT INTO user_passwords (user_id, hash, updated_at) VALUES (?, ?, ?)
                  ON CONFLICT(user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`).run(userId, hash, now());
    },
    credentialsOf(userName) {
      const row = db.prepare<[string], UserRecord & { hash: string | null }>(
        'SELECT u.id, u.name, u.role, p.hash FROM users u LEFT JOIN user_passwords p ON p.user_id = u.id WHERE u.name = ?').get(userName);
      return row ? { user: { id: row.id, name: row.name, role: row.role }, hash: row.hash } : null;
    },
    create(idHash, s) {
      db.prepare('INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
        .run(idHash, s.userId, s.csrf, s.createdAt, s.expiresAt);
    },
    find(idHash, nowIso) {
      const r = db.prepare<[string, string], SessionRow>(
        `SELECT s.user_id, s.csrf, s.created_at, s.expires_at, u.name, u.role
           FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ?`).get(idHash, nowIso);
      if (!r) return null;
      return {
        session: { userId: r.user_id, csrf: r.csrf, createdAt: r.created_at, expiresAt: r.expires_at },
        user: { id: r.user_id, name: r.name, role: r.role },
      };
    },
    remove(idHash) {
      db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
    },
    removeForUser(userId) {
      return db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
    },
    prune(nowIso) {
      return db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(nowIso).changes;
    },
  };
}
