import { DeployWatch, DeployWatchSettings, type Deployer } from '../deploys';
import type { EventsService } from '../events';
import type { AppsReader } from '../apps';
import type { ContainerEngine } from '../ports/container-engine';
import type { Store } from '../ports/store';
import type { ReleasesReader } from '../releases';
import type { NotificationEvent } from '../notifications';
import { tablesOf } from './store-tables';

/**
 * The deploy watch (issue 28) and its settings, wired to the modules it reads through: the liveness
 * monitor's events, the metrics history's router answers, the releases' rollback, the notifications.
 */
export function deployWatchOf(o: {
  store: Store; apps: AppsReader; releases: ReleasesReader; deployer: Deployer; engine: ContainerEngine; events: EventsService;
  requestsSince: (app: string, sinceMs: number) => { requests: number; s5xx: number };
  rollback: (app: string, to: number, whileCurrent: number) => Promise<number>;
  notify: (e: NotificationEvent) => void; appLink: (app: string) => string;
}) {
  const { events } = o;
  const deployWatchSettings = new DeployWatchSettings({ store: tablesOf(o.store, 'deploySettings'), apps: o.apps, events });
  const deployWatch = new DeployWatch({
    watches: o.store.deployWatches, settings: deployWatchSettings, releases: o.releases, deployer: o.deployer, engine: o.engine, events,
    requestsSince: o.requestsSince, rollback: o.rollback,
    unhealthySince: (app, since) => events.list({ app, limit: 1000 }).filter((e) => e.kind === 'ps.unhealthy' && e.at >= since).length,
    onBreach: (b) => o.notify({ kind: 'deploy.unhealthy', app: b.app, release: b.release, rollbackTo: b.rollbackTo, reason: b.reason, link: o.appLink(b.app) }),
  });
  return { deployWatch, deployWatchSettings };
}
