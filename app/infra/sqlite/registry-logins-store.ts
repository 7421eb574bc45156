import type Database from 'better-sqlite3';
import type { RegistryLogin, RegistryLoginsStore } from '../../ports/store';
import { now } from './clock';
import type { SecretBox } from './secret-box';

/** registry:login credentials; passwords sealed with the secret box like config values. */
export function sqliteRegistryLoginsStore(db: Database.Database, box: SecretBox): RegistryLoginsStore {
  type Row = { server: string; username: string; password: string };
  const toLogin = (r: Row): RegistryLogin => ({ server: r.server, username: r.username, password: box.open(r.password) });
  return {
    get(server) {
      const row = db.prepare<[string], Row>('SELECT server, username, password FROM registry_logins WHERE server = ?').get(server);
      return row ? toLogin(row) : null;
    },
    list() {
      return db.prepare<[], Row>('SELECT server, username, password FROM registry_logins ORDER BY server').all().map((r) => ({ server: r.server, username: r.username }));
    },
    set(login) {
      db.prepare(`INSERT INTO registry_logins (server, username, password, updated_at) VALUES (?, ?, ?, ?)
                  ON CONFLICT(server) DO UPDATE SET username = excluded.username, password = excluded.password, updated_at = excluded.updated_at`)
        .run(login.server, login.username, box.seal(login.password), now());
    },
    remove(server) {
      return db.prepare('DELETE FROM registry_logins WHERE server = ?').run(server).changes > 0;
    },
  };
}
