import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../../ports/store';
import type { DatabaseCopies } from '../../ports/database-copies';
import { replaceRows } from './database-copies';
import { databaseSchemaVersion, migrate, refuseNewerSchema } from './migrate';
import { checkDatabaseCopy } from './database-check';
import { createSecretBox, loadOrCreateKey, type SecretBox } from './secret-box';
import { sqliteRegistryLoginsStore } from './registry-logins-store';
import { sqliteForgeStore } from './forge-store';
import { sqliteNotificationsStore } from './notifications-store';
import { sqliteServiceBackupsStore } from './service-backups-store';
import { sqliteAppsStore } from './apps-store';
import { sqliteConfigStore } from './config-store';
import { sqliteEventsStore } from './events-store';
import { sqliteUsersStore } from './users-store';
import { sqliteAccessStore } from './access-store';
import { sqliteBuildsStore } from './builds-store';
import { sqliteReleasesStore } from './releases-store';
import { sqliteDomainsStore } from './domains-store';
import { sqliteFormationStore } from './formation-store';
import { sqliteMountsStore, sqliteProcessStateStore } from './process-state-store';
import { sqliteSessionsStore } from './sessions-store';
import { sqliteServicesStore } from './services-store';
import { sqlitePluginStateStore } from './plugin-state-store';
import { sqliteSchedulerStore } from './scheduler-store';
import { sqliteMetricsStore } from './metrics-store';
import { sqliteDrainSettingsStore, sqliteDrainsStore } from './drains-store';
import { sqliteLogDrainsStore } from './log-drains-store';
import { sqliteReleaseSnapshotsStore } from './release-snapshots-store';
import { sqliteDeployWatchesStore } from './deploy-watches-store';
import { sqliteCertsStore, sqliteGlobalDomainsStore, sqlitePortsStore, sqliteRouterSettingsStore } from './routing-stores';

/** The key file's identity: a replaced file (a restore renames the backup's into place) has another inode. */
function keyFileStamp(file: string): string {
  const st = fs.statSync(file);
  return `${st.ino}:${st.mtimeMs}:${st.size}`;
}

/** Opens (and migrates) berth's SQLite database. WAL lets the web and worker processes share it. */
/** keyFile: the config-encryption key (created once, mode 0600); default secret.key beside the database. */
export function openSqliteStore(file: string, options: { keyFile?: string } = {}): Store & DatabaseCopies {
  const keyFile = options.keyFile ?? path.join(path.dirname(file), 'secret.key');
  // Through a holder that follows the key file: a restore (backup:restore) replaces it (by rename), and the
  // other process on this home (web or worker) must seal and open with the backup's key from then on too.
  let current = createSecretBox(loadOrCreateKey(keyFile));
  let seen = keyFileStamp(keyFile);
  const fresh = () => {
    const now = keyFileStamp(keyFile);
    if (now !== seen) { current = createSecretBox(loadOrCreateKey(keyFile)); seen = now; }
    return current;
  };
  const box: SecretBox = { seal: (plain) => fresh().seal(plain), open: (stored) => fresh().open(stored) };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // Before any pragma that writes (journal_mode rewrites the header): a newer database stays as it is.
  try {
    refuseNewerSchema(db);
  } catch (e) {
    db.close();
    throw e;
  }
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  return {
    apps: sqliteAppsStore(db),
    config: sqliteConfigStore(db, box),
    events: sqliteEventsStore(db),
    users: sqliteUsersStore(db),
    access: sqliteAccessStore(db),
    builds: sqliteBuildsStore(db),
    releases: sqliteReleasesStore(db, box),
    domains: sqliteDomainsStore(db),
    formation: sqliteFormationStore(db),
    globalDomains: sqliteGlobalDomainsStore(db),
    ports: sqlitePortsStore(db),
    routerSettings: sqliteRouterSettingsStore(db),
    buildSettings: sqliteRouterSettingsStore(db, 'build_settings'),
    deploySettings: sqliteRouterSettingsStore(db, 'deploy_settings'),
    deployWatches: sqliteDeployWatchesStore(db),
    reviewApps: sqliteRouterSettingsStore(db, 'review_apps'),
    registryLogins: sqliteRegistryLoginsStore(db, box),
    forge: sqliteForgeStore(db, box),
    notifications: sqliteNotificationsStore(db, box),
    certs: sqliteCertsStore(db),
    processState: sqliteProcessStateStore(db),
    mounts: sqliteMountsStore(db),
    sessions: sqliteSessionsStore(db),
    services: sqliteServicesStore(db, box),
    plugins: sqlitePluginStateStore(db),
    schedulers: sqliteSchedulerStore(db),
    drains: sqliteDrainsStore(db),
    logDrains: sqliteLogDrainsStore(db),
    drainSettings: sqliteDrainSettingsStore(db),
    serviceBackups: sqliteServiceBackupsStore(db, box),
    releaseSnapshots: sqliteReleaseSnapshotsStore(db),
    metrics: sqliteMetricsStore(db),
    transaction: (fn) => db.transaction(fn)(),
    schemaVersion: () => databaseSchemaVersion(db),
    close: () => db.close(),
    snapshotTo: async (target) => { await db.backup(target); },
    replaceWith: (source) => {
      replaceRows(db, source);
      fresh();
    },
    checkCopy: (o) => checkDatabaseCopy({
      ...o,
      restore: (dbFile, key, copy) => {
        const scratch = openSqliteStore(dbFile, { keyFile: key });
        try { scratch.replaceWith(copy); } finally { scratch.close(); }
      },
    }),
  };
}
