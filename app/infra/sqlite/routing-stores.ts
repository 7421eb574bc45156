import type Database from 'better-sqlite3';
import type {
  CertRecord, CertsStore, GlobalDomainsStore, PortMappingRecord, PortsStore, RouterSettingsStore,
} from '../../ports/routing-store';
import { now } from './clock';

export function sqliteGlobalDomainsStore(db: Database.Database): GlobalDomainsStore {
  return {
    list: () => db.prepare<[], { domain: string }>('SELECT domain FROM global_domains ORDER BY domain').all().map((r) => r.domain),
    add(domain) { db.prepare('INSERT OR IGNORE INTO global_domains (domain) VALUES (?)').run(domain); },
    remove(domain) { db.prepare('DELETE FROM global_domains WHERE domain = ?').run(domain); },
  };
}

export function sqlitePortsStore(db: Database.Database): PortsStore {
  return {
    list(app) {
      return db.prepare<[string], { scheme: PortMappingRecord['scheme']; host_port: number; container_port: number }>(
        'SELECT scheme, host_port, container_port FROM app_ports WHERE app = ? ORDER BY scheme, host_port, container_port',
      ).all(app).map((r) => ({ scheme: r.scheme, hostPort: r.host_port, containerPort: r.container_port }));
    },
    replace(app, mappings) {
      const insert = db.prepare('INSERT OR IGNORE INTO app_ports (app, scheme, host_port, container_port) VALUES (?, ?, ?, ?)');
      db.transaction(() => {
        db.prepare('DELETE FROM app_ports WHERE app = ?').run(app);
        for (const m of mappings) insert.run(app, m.scheme, m.hostPort, m.containerPort);
      })();
    },
  };
}

/** Key/value settings per app in `table` (router_settings, build_settings, deploy_settings, review_apps: same shape). */
export function sqliteRouterSettingsStore(db: Database.Database, table: 'router_settings' | 'build_settings' | 'deploy_settings' | 'review_apps' = 'router_settings'): RouterSettingsStore {
  return {
    get(app) {
      const rows = db.prepare<[string], { key: string; value: string }>(`SELECT key, value FROM ${table} WHERE app = ?`).all(app);
      return Object.fromEntries(rows.map((r) => [r.key, r.value]));
    },
    apply(app, set, unset) {
      const upsert = db.prepare(`INSERT INTO ${table} (app, key, value) VALUES (?, ?, ?) ON CONFLICT(app, key) DO UPDATE SET value = excluded.value`);
      const del = db.prepare(`DELETE FROM ${table} WHERE app = ? AND key = ?`);
      db.transaction(() => {
        for (const k of unset) del.run(app, k);
        for (const [k, v] of Object.entries(set)) upsert.run(app, k, v);
      })();
    },
    appsWith(key, value) {
      return db.prepare<[string, string], { app: string }>(`SELECT app FROM ${table} WHERE key = ? AND value = ? ORDER BY app`).all(key, value).map((r) => r.app);
    },
  };
}

interface CertRow {
  app: string; source: CertRecord['source']; subject: string; domains: string;
  not_before: string; not_after: string; fingerprint: string; updated_at: string;
}

const toCert = (r: CertRow): CertRecord => ({
  app: r.app, source: r.source, subject: r.subject, domains: JSON.parse(r.domains) as string[],
  notBefore: r.not_before, notAfter: r.not_after, fingerprint: r.fingerprint, updatedAt: r.updated_at,
});

export function sqliteCertsStore(db: Database.Database): CertsStore {
  const get = (app: string): CertRecord | null => {
    const row = db.prepare<[string], CertRow>('SELECT * FROM certs WHERE app = ?').get(app);
    return row ? toCert(row) : null;
  };
  return {
    get,
    list: () => db.prepare<[], CertRow>('SELECT * FROM certs ORDER BY app').all().map(toCert),
    put(c) {
      db.prepare(`INSERT INTO certs (app, source, subject, domains, not_before, not_after, fingerprint, updated_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT(app) DO UPDATE SET source = excluded.source, subject = excluded.subject, domains = excluded.domains,
                    not_before = excluded.not_before, not_after = excluded.not_after, fingerprint = excluded.fingerprint,
                    updated_at = excluded.updated_at`)
        .run(c.app, c.source, c.subject, JSON.stringify(c.domains), c.notBefore, c.notAfter, c.fingerprint, now());
      return get(c.app)!;
    },
    remove(app) { db.prepare('DELETE FROM certs WHERE app = ?').run(app); },
  };
}
