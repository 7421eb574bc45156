import type { AppsReader } from '../../app/apps';
import type { ReleasesReader } from '../../app/releases';
import type { Store } from '../../app/ports/store';

/**
 * In unit tests, the apps and releases modules' reads straight over a store (berth hands the
 * services these through AppsService and ReleasesService, app/boot/create-berth.ts).
 */
export function readersOf(store: Pick<Store, 'apps' | 'releases'>): { apps: AppsReader; releases: ReleasesReader } {
  return {
    apps: { find: (name) => store.apps.get(name), list: () => store.apps.list() },
    releases: { current: (app) => store.releases.current(app), list: (app) => store.releases.list(app) },
  };
}
