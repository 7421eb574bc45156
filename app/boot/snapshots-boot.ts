import path from 'node:path';
import type { Config } from '../config';
import type { EventsService } from '../events';
import type { AppsReader } from '../apps';
import type { ReleasesReader } from '../releases';
import type { Store } from '../ports/store';
import { DataSnapshots } from '../snapshots';
import { tablesOf } from './store-tables';
import type { PluginsAndServices } from './services-boot';

/** Snapshots of linked databases before release commands, for `releases:rollback --restore-data` (called by createBerth). */
export function createSnapshots(o: { config: Config; store: Store; events: EventsService; apps: AppsReader; releases: ReleasesReader; services: PluginsAndServices }): DataSnapshots {
  const { services } = o;
  return new DataSnapshots({
    store: tablesOf(o.store, 'releaseSnapshots'), apps: o.apps, releases: o.releases, events: o.events, backup: services.backup,
    linksOf: (app) => services.links.ofApp(app), appsOfService: (plugin, name) => o.store.services.linksOfService(plugin, name).map((l) => l.app),
    canSnapshot: (plugin) => {
      try {
        const d = services.kit.plugin(plugin).descriptor;
        return Boolean(d.export && d.import);
      } catch {
        return false; // the plugin was removed or disabled: its service cannot be dumped
      }
    },
    root: snapshotsDir(o.config), keep: o.config.snapshotKeep,
  });
}

/** `$BERTH_HOME/snapshots`: one folder per app id. */
export const snapshotsDir = (config: Pick<Config, 'home'>): string => path.join(config.home, 'snapshots');
