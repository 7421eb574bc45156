import type { EventsService } from '../events';
import type { LockService } from '../ports/lock';
import type { SwarmEngine } from '../ports/swarm';
import type { ReleaseRecord } from '../ports/store';
import type { AppsReader } from '../apps/apps-reader';
import type { SchedulerRegistry } from '../deploys/scheduler-registry';
import { SwarmNodeOps, SwarmWatcher, type SwarmScheduler } from '../schedulers';

/**
 * nodes:drain / nodes:remove, and the worker's watch of the swarm's nodes (a lost node costs
 * seconds: docs/scaling.md, "Swarm"). Both re-route an app through its scheduler.
 */
export function swarmNodesOf(o: {
  swarm: SwarmEngine; events: EventsService; locks: LockService; network: string; scheduling: SchedulerRegistry;
  swarmScheduler: SwarmScheduler; apps: AppsReader; releases: { current(app: string): ReleaseRecord | null };
}): { swarmNodes: SwarmNodeOps; swarmWatcher: SwarmWatcher } {
  const reroute = (app: string) => o.scheduling.route(app);
  return {
    swarmNodes: new SwarmNodeOps({ swarm: o.swarm, events: o.events, network: o.network, reroute }),
    swarmWatcher: new SwarmWatcher({
      swarm: o.swarm, events: o.events, locks: o.locks, reroute, scope: `${o.network}-swarm`,
      swarmApps: () => o.apps.list().map((a) => a.name).filter((app) => o.scheduling.isSwarm(app) && o.releases.current(app) !== null),
      statusOf: (app) => o.swarmScheduler.status(app, o.releases.current(app)),
    }),
  };
}
