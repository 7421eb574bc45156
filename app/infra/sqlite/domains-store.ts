import type Database from 'better-sqlite3';
import type { DomainsStore } from '../../ports/store';

export function sqliteDomainsStore(db: Database.Database): DomainsStore {
  return {
    list(app) {
      return db.prepare<[string], { domain: string }>('SELECT domain FROM domains WHERE app = ? ORDER BY domain').all(app).map((r) => r.domain);
    },
    owner(domain) {
      return db.prepare<[string], { app: string }>('SELECT app FROM domains WHERE domain = ?').get(domain)?.app ?? null;
    },
    add(app, domain) {
      db.prepare('INSERT INTO domains (domain, app) VALUES (?, ?)').run(domain, app);
    },
    remove(app, domain) {
      db.prepare('DELETE FROM domains WHERE app = ? AND domain = ?').run(app, domain);
    },
  };
}
