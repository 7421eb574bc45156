import type Database from 'better-sqlite3';
import type { AccessStore, SshKeyRecord, TokenInfo, TokenScope } from '../../ports/access';
import type { UserRecord } from '../../ports/store';
import { now } from './clock';

export function sqliteAccessStore(db: Database.Database): AccessStore {
  const byName = db.prepare<[string], UserRecord>('SELECT id, name, role FROM users WHERE name = ?');
  return {
    addUser(name, role) {
      const info = db.prepare('INSERT INTO users (name, role) VALUES (?, ?) ON CONFLICT(name) DO NOTHING').run(name, role);
      return info.changes ? byName.get(name)! : null;
    },
    removeUser(name) {
      return db.prepare('DELETE FROM users WHERE name = ?').run(name).changes > 0;
    },
    setRole(name, role) {
      return db.prepare('UPDATE users SET role = ? WHERE name = ?').run(role, name).changes > 0;
    },
    user: (name) => byName.get(name) ?? null,
    listUsers: () => db.prepare<[], UserRecord>('SELECT id, name, role FROM users ORDER BY name').all(),
    addToken(userId, t) {
      db.prepare('INSERT INTO tokens (hash, user_id, label, created_at, expires_at, scope) VALUES (?, ?, ?, ?, ?, ?)')
        .run(t.hash, userId, t.name, now(), t.expiresAt, t.scope ?? null);
    },
    // A scoped token is never an API token: it finds nobody here.
    userOfToken(hash, nowIso) {
      return db.prepare<[string, string], UserRecord>(
        `SELECT u.id, u.name, u.role FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.hash = ? AND t.scope IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)`).get(hash, nowIso) ?? null;
    },
    userOfScopedToken(hash, scope, nowIso) {
      return db.prepare<[string, string, string], UserRecord>(
        `SELECT u.id, u.name, u.role FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.hash = ? AND t.scope = ? AND (t.expires_at IS NULL OR t.expires_at > ?)`).get(hash, scope, nowIso) ?? null;
    },
    scopedTokenOf(hash, nowIso) {
      const row = db.prepare<[string, string], UserRecord & { scope: string }>(
        `SELECT u.id, u.name, u.role, t.scope FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.hash = ? AND t.scope IS NOT NULL AND (t.expires_at IS NULL OR t.expires_at > ?)`).get(hash, nowIso);
      return row ? { user: { id: row.id, name: row.name, role: row.role }, scope: row.scope as TokenScope } : null;
    },
    tokens(userId) {
      return db.prepare<[number], TokenInfo>(
        'SELECT label AS name, created_at AS createdAt, expires_at AS expiresAt, scope FROM tokens WHERE user_id = ? ORDER BY created_at, label').all(userId);
    },
    revokeToken(userId, name) {
      return db.prepare('DELETE FROM tokens WHERE user_id = ? AND label = ?').run(userId, name).changes;
    },
    isCollaborator(app, userId) {
      return !!db.prepare('SELECT 1 FROM collaborators WHERE app = ? AND user_id = ?').get(app, userId);
    },
    collaborators(app) {
      return db.prepare<[string], { name: string }>(
        'SELECT u.name FROM collaborators c JOIN users u ON u.id = c.user_id WHERE c.app = ? ORDER BY u.name').all(app).map((r) => r.name);
    },
    appsOf(userId) {
      return db.prepare<[number], { app: string }>('SELECT app FROM collaborators WHERE user_id = ? ORDER BY app').all(userId).map((r) => r.app);
    },
    addCollaborator(app, userId) {
      db.prepare('INSERT INTO collaborators (app, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(app, userId);
    },
    removeCollaborator(app, userId) {
      return db.prepare('DELETE FROM collaborators WHERE app = ? AND user_id = ?').run(app, userId).changes > 0;
    },
    addSshKey(k) {
      const info = db.prepare(
        'INSERT INTO ssh_keys (fingerprint, user_id, name, public_key, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(k.fingerprint, k.userId, k.name, k.publicKey, now());
      return info.changes > 0;
    },
    removeSshKey(userId, name) {
      return db.prepare('DELETE FROM ssh_keys WHERE user_id = ? AND name = ?').run(userId, name).changes > 0;
    },
    sshKeys(userId) {
      const sql = `SELECT k.fingerprint, u.name AS user, k.name, k.public_key AS publicKey, k.created_at AS createdAt
                   FROM ssh_keys k JOIN users u ON u.id = k.user_id`;
      return userId === null
        ? db.prepare<[], SshKeyRecord>(`${sql} ORDER BY u.name, k.name`).all()
        : db.prepare<[number], SshKeyRecord>(`${sql} WHERE k.user_id = ? ORDER BY k.name`).all(userId);
    },
    userOfSshKey(fingerprint) {
      return db.prepare<[string], UserRecord>(
        'SELECT u.id, u.name, u.role FROM ssh_keys k JOIN users u ON u.id = k.user_id WHERE k.fingerprint = ?').get(fingerprint) ?? null;
    },
  };
}
