import type { Migration } from './migrations';
import { METRICS_TABLES } from './metrics-tables';

/** Migrations 21 on (migrations.ts holds 1–20 and the type); append new ones here, in version order. */
export const MIGRATIONS_SINCE_21: readonly Migration[] = [
  {
    version: 21,
    name: 'scoped tokens: a token with a scope (metrics) opens only that, never the API',
    sql: `ALTER TABLE tokens ADD COLUMN scope TEXT;`,
  },
  {
    version: 22,
    name: 'git:sync credentials, forge webhooks (secrets sealed) and the deliveries seen, so a replay deploys nothing',
    sql: `CREATE TABLE git_credentials (
     app TEXT PRIMARY KEY REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     kind TEXT NOT NULL,
     username TEXT,
     secret TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE webhooks (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     provider TEXT NOT NULL,
     secret TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (app, provider)
   );
   CREATE TABLE webhook_deliveries (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     provider TEXT NOT NULL,
     delivery TEXT NOT NULL,
     seen_at TEXT NOT NULL,
     PRIMARY KEY (app, provider, delivery)
   );
   ALTER TABLE tokens ADD COLUMN scope_app TEXT;
   ALTER TABLE tokens ADD COLUMN scope_action TEXT;`,
  },
  {
    version: 23,
    name: 'notification targets (per app or global; URL and signing secret sealed) with their last delivery, and SMTP settings',
    sql: `CREATE TABLE notification_targets (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     app TEXT REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     type TEXT NOT NULL,
     url TEXT NOT NULL,
     secret TEXT,
     created_by TEXT,
     created_at TEXT NOT NULL,
     last_status TEXT NOT NULL DEFAULT 'never',
     last_at TEXT,
     last_event TEXT,
     last_error TEXT,
     delivered INTEGER NOT NULL DEFAULT 0,
     failed INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX notification_targets_app ON notification_targets(app);
   CREATE TABLE notification_settings (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );`,
  },
  {
    version: 24,
    name: 'scheduled service backups: schedules, the backups made, S3 logins (passphrases and keys sealed with the secret box)',
    sql: `CREATE TABLE service_backup_schedules (
     plugin TEXT NOT NULL,
     service TEXT NOT NULL,
     name TEXT NOT NULL,
     schedule TEXT NOT NULL,
     keep INTEGER NOT NULL,
     target TEXT NOT NULL,
     passphrase TEXT,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (plugin, service, name)
   );
   CREATE TABLE service_backups (
     id TEXT PRIMARY KEY,
     plugin TEXT NOT NULL,
     service TEXT NOT NULL,
     schedule TEXT,
     target TEXT NOT NULL,
     key TEXT NOT NULL,
     size INTEGER NOT NULL,
     passphrase TEXT,
     created_at TEXT NOT NULL
   );
   CREATE INDEX service_backups_by_service ON service_backups (plugin, service, created_at);
   CREATE TABLE backup_s3_logins (
     bucket TEXT PRIMARY KEY,
     endpoint TEXT NOT NULL,
     region TEXT NOT NULL,
     access_key_id TEXT NOT NULL,
     secret_access_key TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );`,
  },
  {
    version: 25,
    name: 'metrics history (app/metrics): per app and process CPU, memory, restarts, and the router\'s requests, in buckets of three widths',
    sql: METRICS_TABLES,
  },
  {
    version: 26,
    name: 'log drains (logs:drain-add): an app\'s or every app\'s output forwarded to syslog or HTTPS',
    sql: `CREATE TABLE log_drains (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     app TEXT REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     url TEXT NOT NULL,
     privileged INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL
   );
   CREATE INDEX log_drains_app ON log_drains(app);`,
  },
  {
    version: 27,
    name: 'review apps (app/review-apps): which app a review app was made from, from which branch, and the services made for it',
    sql: `CREATE TABLE review_apps (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (app, key)
   );
   CREATE INDEX review_apps_by_value ON review_apps(key, value);`,
  },
  {
    version: 28,
    name: 'berth\'s own backup schedule (backup:schedule): one row; none is the daily default',
    sql: `CREATE TABLE berth_backup_schedule (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     schedule TEXT NOT NULL,
     keep INTEGER NOT NULL,
     target TEXT NOT NULL,
     enabled INTEGER NOT NULL,
     updated_at TEXT NOT NULL
   );`,
  },
  {
    version: 29,
    name: 'release snapshots (app/snapshots): a linked database\'s dump taken before a release command, for releases:rollback --restore-data',
    sql: `CREATE TABLE release_snapshots (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     version INTEGER NOT NULL,
     plugin TEXT NOT NULL,
     service TEXT NOT NULL,
     file TEXT NOT NULL,
     size INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (app, version, plugin, service)
   );`,
  },
  {
    version: 30,
    name: 'verified restores (app/backups): each backup restored into a throw-away container and checked, with what was counted',
    sql: `CREATE TABLE backup_verifications (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     plugin TEXT NOT NULL,
     service TEXT NOT NULL,
     backup_id TEXT,
     schedule TEXT,
     ok INTEGER NOT NULL,
     detail TEXT NOT NULL,
     verified_at TEXT NOT NULL,
     seconds REAL NOT NULL
   );
   CREATE INDEX backup_verifications_by_service ON backup_verifications (plugin, service, id);`,
  },
  {
    version: 31,
    name: 'deploy watches (app/deploys/deploy-watch.ts): each release watched for a window after its deploy, and how the watch ended',
    sql: `CREATE TABLE deploy_watches (
     app TEXT NOT NULL REFERENCES apps(name) ON DELETE CASCADE ON UPDATE CASCADE,
     version INTEGER NOT NULL,
     previous INTEGER,
     action TEXT NOT NULL,
     started_at TEXT NOT NULL,
     ends_at TEXT NOT NULL,
     status TEXT NOT NULL,
     reason TEXT,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (app, version)
   );
   CREATE INDEX deploy_watches_active ON deploy_watches(status);`,
  },
];
