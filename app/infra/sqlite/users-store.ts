import type Database from 'better-sqlite3';
import type { UserRecord, UsersStore } from '../../ports/store';
import { now } from './clock';

export function sqliteUsersStore(db: Database.Database): UsersStore {
  const byName = db.prepare<[string], UserRecord>('SELECT id, name, role FROM users WHERE name = ?');
  return {
    ensureUser(name, role) {
      db.prepare('INSERT INTO users (name, role) VALUES (?, ?) ON CONFLICT(name) DO NOTHING').run(name, role);
      return byName.get(name)!;
    },
    addToken(userId, tokenHash, label) {
      db.prepare('INSERT INTO tokens (hash, user_id, label, created_at) VALUES (?, ?, ?, ?)').run(tokenHash, userId, label, now());
    },
    // An expired token finds nobody, as in AccessStore.userOfToken (ISO-8601 strings compare in time order).
    findByTokenHash(tokenHash) {
      return db.prepare<[string, string], UserRecord>(
        `SELECT u.id, u.name, u.role FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.hash = ? AND t.scope IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)`).get(tokenHash, now()) ?? null;
    },
  };
}
