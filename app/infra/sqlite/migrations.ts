import type Database from 'better-sqlite3';
import { manifestsForOldReleases } from './migration-20-manifests';
import { MIGRATIONS_SINCE_21 } from './migrations-since-21';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Data to carry over after `sql`, in the same transaction (rows the new shape reads differently). */
  readonly run?: (db: Database.Database) => void;
}

/**
 * Versioned schema changes; each runs once. Never edit a shipped one: add a new version.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'the core',
    sql: `CREATE TABLE apps (
     name TEXT PRIMARY KEY,
     created_at TEXT NOT NULL,
     deploy_branch TEXT NOT NULL DEFAULT 'main',
     builder TEXT,
     buildpack TEXT,
     restart_policy TEXT NOT NULL DEFAULT 'unless-stopped',
     memory_mb INTEGER,
     cpus REAL
   );
   CREATE TABLE config_vars (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (app, key)
   );
   CREATE TABLE events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     app TEXT,
     kind TEXT NOT NULL,
     message TEXT NOT NULL,
     user TEXT,
     at TEXT NOT NULL
   );
   CREATE INDEX events_app ON events(app, id);
   CREATE TABLE users (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL UNIQUE,
     role TEXT NOT NULL
   );
   CREATE TABLE tokens (
     hash TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     label TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
  },
  {
    version: 2,
    name: 'builds, releases, domains, formation',
    sql: `CREATE TABLE builds (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     kind TEXT NOT NULL,
     status TEXT NOT NULL,
     source TEXT NOT NULL,
     snapshot_path TEXT,
     user TEXT,
     error TEXT,
     release_version INTEGER,
     created_at TEXT NOT NULL,
     started_at TEXT,
     finished_at TEXT
   );
   CREATE INDEX builds_app ON builds(app, id);
   CREATE TABLE releases (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     version INTEGER NOT NULL,
     image TEXT NOT NULL,
     git_sha TEXT,
     config TEXT NOT NULL,
     processes TEXT NOT NULL,
     port INTEGER NOT NULL,
     description TEXT NOT NULL,
     user TEXT,
     created_at TEXT NOT NULL,
     PRIMARY KEY (app, version)
   );
   CREATE TABLE current_releases (
     app TEXT PRIMARY KEY REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     version INTEGER NOT NULL
   );
   CREATE TABLE domains (
     domain TEXT PRIMARY KEY,
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE
   );
   CREATE TABLE formation (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     process TEXT NOT NULL,
     count INTEGER NOT NULL,
     PRIMARY KEY (app, process)
   );`,
  },
  {
    version: 3,
    name: 'app.json kept on each release (health checks, deploy scripts, cron survive rollbacks)',
    sql: `ALTER TABLE releases ADD COLUMN app_json TEXT;`,
  },
  {
    version: 4,
    name: 'processes — stopped apps (ps:stop) and storage mounts',
    sql: `CREATE TABLE app_process_state (
     app TEXT PRIMARY KEY REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     stopped INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE storage_mounts (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     source TEXT NOT NULL,
     target TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (app, target)
   );`,
  },
  {
    version: 5,
    name: 'router — global domains, port mappings, per-app router settings (nginx, letsencrypt), certificates',
    sql: `CREATE TABLE global_domains (
     domain TEXT PRIMARY KEY
   );
   CREATE TABLE app_ports (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     scheme TEXT NOT NULL,
     host_port INTEGER NOT NULL,
     container_port INTEGER NOT NULL,
     PRIMARY KEY (app, scheme, host_port, container_port)
   );
   CREATE TABLE router_settings (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (app, key)
   );
   CREATE TABLE certs (
     app TEXT PRIMARY KEY REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     source TEXT NOT NULL,
     subject TEXT NOT NULL,
     domains TEXT NOT NULL,
     not_before TEXT NOT NULL,
     not_after TEXT NOT NULL,
     fingerprint TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );`,
  },
  {
    version: 6,
    name: 'services (plugin containers with generated credentials), their links to apps, plugin state and storage',
    sql: `CREATE TABLE services (
     plugin TEXT NOT NULL,
     name TEXT NOT NULL,
     image TEXT NOT NULL,
     credentials TEXT NOT NULL,
     exposed_port INTEGER,
     created_at TEXT NOT NULL,
     PRIMARY KEY (plugin, name)
   );
   CREATE TABLE service_links (
     plugin TEXT NOT NULL,
     service TEXT NOT NULL,
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     alias TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (plugin, service, app),
     FOREIGN KEY (plugin, service) REFERENCES services(plugin, name) ON DELETE CASCADE
   );
   CREATE UNIQUE INDEX service_links_alias ON service_links(app, alias);
   CREATE TABLE plugin_state (
     id TEXT PRIMARY KEY,
     enabled INTEGER NOT NULL,
     source TEXT,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE plugin_storage (
     plugin TEXT NOT NULL,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (plugin, key)
   );`,
  },
  {
    version: 7,
    name: 'dashboard logins — password hashes (scrypt) and revocable sessions (ids stored hashed)',
    sql: `CREATE TABLE user_passwords (
     user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
     hash TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     csrf TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE INDEX sessions_user ON sessions(user_id);`,
  },
  {
    version: 8,
    name: 'access — token expiry, app collaborators, SSH keys, where each audit event came from',
    sql: `ALTER TABLE tokens ADD COLUMN expires_at TEXT;
   CREATE TABLE collaborators (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     PRIMARY KEY (app, user_id)
   );
   CREATE TABLE ssh_keys (
     fingerprint TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     public_key TEXT NOT NULL,
     created_at TEXT NOT NULL,
     UNIQUE (user_id, name)
   );
   ALTER TABLE events ADD COLUMN source TEXT;`,
  },
  {
    version: 9,
    name: 'schedulers — which scheduler runs each app (null: BERTH_SCHEDULER) and its swarm placement constraints',
    sql: `CREATE TABLE app_scheduler (
     app TEXT PRIMARY KEY REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     scheduler TEXT,
     placement TEXT NOT NULL DEFAULT '[]'
   );`,
  },
  {
    version: 10,
    name: 'services on swarm — each service\'s scheduler, placement, fixed published port and node address',
    sql: `ALTER TABLE services ADD COLUMN scheduler TEXT NOT NULL DEFAULT 'docker-local';
   ALTER TABLE services ADD COLUMN placement TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE services ADD COLUMN published_port INTEGER;
   ALTER TABLE services ADD COLUMN swarm_host TEXT;`,
  },
  {
    version: 11,
    name: 'apps get a stable id: their network and volumes are named by it, so a rename never adopts another\'s',
    sql: `ALTER TABLE apps ADD COLUMN uid TEXT;
   UPDATE apps SET uid = lower(hex(randomblob(6))) WHERE uid IS NULL;
   CREATE UNIQUE INDEX apps_uid ON apps (uid);`,
  },
  {
    version: 12,
    name: 'each release keeps its parsed app.json (the typed manifest, JSON): read once at build time',
    sql: `ALTER TABLE releases ADD COLUMN manifest TEXT;`,
  },
  {
    version: 13,
    name: 'drains — containers being retired (resumed after a restart) and each app\'s retire-wait and stop-timeout',
    sql: `CREATE TABLE container_drains (
     container_id TEXT PRIMARY KEY,
     app TEXT NOT NULL,
     name TEXT NOT NULL,
     port INTEGER,
     retire_wait INTEGER NOT NULL,
     stop_timeout INTEGER NOT NULL,
     since TEXT NOT NULL,
     phase TEXT NOT NULL DEFAULT 'draining',
     stopping_at TEXT
   );
   CREATE TABLE app_drain_settings (
     app TEXT PRIMARY KEY REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     retire_wait INTEGER,
     stop_timeout INTEGER
   );`,
  },
  {
    version: 14,
    name: 'Dockerfile releases keep the port mappings their EXPOSE lines give (dokku\'s rule), used while the app sets none',
    sql: `ALTER TABLE releases ADD COLUMN detected_ports TEXT;`,
  },
  {
    version: 15,
    name: 'per-app Dockerfile build settings (builder-dockerfile:set, docker-options build)',
    sql: `CREATE TABLE build_settings (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (app, key)
   );`,
  },
  {
    version: 16,
    name: 'registry:login credentials (password sealed with the secret box)',
    sql: `CREATE TABLE registry_logins (
     server TEXT PRIMARY KEY,
     username TEXT NOT NULL,
     password TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );`,
  },
  {
    version: 17,
    name: 'apps:lock: a locked app queues no builds (dokku\'s deploy lock)',
    sql: `ALTER TABLE apps ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 18,
    name: 'the scheduler each app\'s live release runs on, so a deploy on another one retires it without asking every scheduler',
    sql: `ALTER TABLE app_scheduler ADD COLUMN running_on TEXT;`,
  },
  {
    version: 19,
    name: 'per-app deploy settings (checks:disable/skip: the process types whose checks a deploy leaves out)',
    sql: `CREATE TABLE deploy_settings (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (app, key)
   );`,
  },
  {
    version: 20,
    name: 'releases made before the manifest column get theirs, parsed once here from their app.json text, so no read parses it again',
    sql: '',
    run: manifestsForOldReleases,
  },
  // 21 on: migrations-since-21.ts (this file reached the 400-line limit).
  ...MIGRATIONS_SINCE_21,
];
