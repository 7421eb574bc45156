import type { AppsReader } from '../../app/apps';
import type { ReleasesReader, ReleasesWriter } from '../../app/releases';
import type { ConfigRestorer } from '../../app/config-vars';
import { ProcessStates } from '../../app/processes/process-states';
import type { Store } from '../../app/ports/store';

/**
 * In unit tests, the apps and releases modules' reads straight over a store (berth hands the
 * services these through AppsService and ReleasesService, app/boot/create-berth.ts).
 */
export function readersOf(store: Pick<Store, 'apps' | 'releases'>): { apps: AppsReader; releases: ReleasesReader } {
  return {
    apps: { find: (name) => store.apps.get(name), list: () => store.apps.list() },
    releases: { current: (app) => store.releases.current(app), list: (app) => store.releases.list(app), get: (app, v) => store.releases.get(app, v) },
  };
}

/**
 * Every owner's port the build pipeline and the deployer take, straight over one store (berth wires
 * them to the owning services): releases to write, config vars, the processes module's states.
 */
export function ownersOf(store: Pick<Store, 'apps' | 'releases' | 'config' | 'formation' | 'processState'>): {
  apps: AppsReader; releases: ReleasesWriter; releaseRecords: ReleasesWriter; config: ConfigRestorer; processes: ProcessStates;
} {
  const { apps, releases } = readersOf(store);
  const writer: ReleasesWriter = {
    ...releases, create: (r) => store.releases.create(r), remove: (app, v) => store.releases.remove(app, v), setCurrent: (app, v) => store.releases.setCurrent(app, v),
  };
  return {
    apps, releases: writer, releaseRecords: writer,
    config: { values: (app) => store.config.get(app), restore: (app, set, unset) => store.config.apply(app, set, unset) },
    processes: new ProcessStates(store),
  };
}
