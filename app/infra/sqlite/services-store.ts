import type Database from 'better-sqlite3';
import { BerthError } from '../../errors';
import type { ServiceLinkRecord, ServiceRecord, ServicesStore } from '../../ports/services';
import { now as nowIso } from './clock';
import type { SecretBox } from './secret-box';

interface ServiceRow {
  plugin: string; name: string; image: string; credentials: string; exposed_port: number | null; created_at: string;
  scheduler: string; placement: string; published_port: number | null; swarm_host: string | null;
}
interface LinkRow { plugin: string; service: string; app: string; alias: string; created_at: string }

const toService = (r: ServiceRow, box: SecretBox): ServiceRecord => ({
  plugin: r.plugin, name: r.name, image: r.image, credentials: JSON.parse(box.open(r.credentials)) as Record<string, string>,
  exposedPort: r.exposed_port, createdAt: r.created_at,
  scheduler: r.scheduler === 'swarm' ? 'swarm' : 'docker-local', placement: JSON.parse(r.placement) as string[],
  publishedPort: r.published_port, swarmHost: r.swarm_host,
});
const toLink = (r: LinkRow): ServiceLinkRecord => ({ plugin: r.plugin, service: r.service, app: r.app, alias: r.alias, createdAt: r.created_at });

/**
 * Credentials are sealed with the secret box, as config values are: the database file alone does
 * not reveal them. Rows stored before that are sealed when the store opens.
 */
export function sqliteServicesStore(db: Database.Database, box: SecretBox): ServicesStore {
  const plain = db.prepare<[], { plugin: string; name: string; credentials: string }>("SELECT plugin, name, credentials FROM services WHERE credentials NOT LIKE 'enc:%'").all();
  const reseal = db.prepare('UPDATE services SET credentials = ? WHERE plugin = ? AND name = ? AND credentials = ?');
  db.transaction(() => { for (const r of plain) reseal.run(box.seal(r.credentials), r.plugin, r.name, r.credentials); })();
  const get = (plugin: string, name: string): ServiceRecord | null => {
    const row = db.prepare<[string, string], ServiceRow>('SELECT * FROM services WHERE plugin = ? AND name = ?').get(plugin, name);
    return row ? toService(row, box) : null;
  };
  return {
    insert(s) {
      const at = nowIso();
      try {
        db.prepare(`INSERT INTO services (plugin, name, image, credentials, created_at, scheduler, placement, published_port, swarm_host)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(s.plugin, s.name, s.image, box.seal(JSON.stringify(s.credentials)), at, s.scheduler ?? 'docker-local', JSON.stringify(s.placement ?? []),
            s.publishedPort ?? null, s.swarmHost ?? null);
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new BerthError('SERVICE_EXISTS', `${s.plugin} service ${s.name} exists already.`);
        }
        throw e;
      }
      return get(s.plugin, s.name)!;
    },
    get,
    list(plugin) {
      const rows = plugin === undefined
        ? db.prepare<[], ServiceRow>('SELECT * FROM services ORDER BY plugin, name').all()
        : db.prepare<[string], ServiceRow>('SELECT * FROM services WHERE plugin = ? ORDER BY name').all(plugin);
      return rows.map((r) => toService(r, box));
    },
    update(plugin, name, patch) {
      if (patch.image !== undefined) db.prepare('UPDATE services SET image = ? WHERE plugin = ? AND name = ?').run(patch.image, plugin, name);
      if (patch.exposedPort !== undefined) db.prepare('UPDATE services SET exposed_port = ? WHERE plugin = ? AND name = ?').run(patch.exposedPort, plugin, name);
      if (patch.swarmHost !== undefined) db.prepare('UPDATE services SET swarm_host = ? WHERE plugin = ? AND name = ?').run(patch.swarmHost, plugin, name);
      const s = get(plugin, name);
      if (!s) throw new BerthError('SERVICE_NOT_FOUND', `There is no ${plugin} service ${name}.`);
      return s;
    },
    remove(plugin, name) {
      db.prepare('DELETE FROM services WHERE plugin = ? AND name = ?').run(plugin, name);
    },
    link(l) {
      const at = nowIso();
      db.prepare('INSERT INTO service_links (plugin, service, app, alias, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(l.plugin, l.service, l.app, l.alias, at);
      return { ...l, createdAt: at };
    },
    unlink(plugin, service, app) {
      return db.prepare('DELETE FROM service_links WHERE plugin = ? AND service = ? AND app = ?').run(plugin, service, app).changes > 0;
    },
    linksOfService(plugin, service) {
      return db.prepare<[string, string], LinkRow>('SELECT * FROM service_links WHERE plugin = ? AND service = ? ORDER BY app')
        .all(plugin, service).map(toLink);
    },
    linksOfApp(app) {
      return db.prepare<[string], LinkRow>('SELECT * FROM service_links WHERE app = ? ORDER BY created_at, plugin, service').all(app).map(toLink);
    },
  };
}
