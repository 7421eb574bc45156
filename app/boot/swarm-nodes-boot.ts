import type { EventsService } from '../events';
import type { LockService } from '../ports/lock';
import type { ImageRegistry, SwarmEngine } from '../ports/swarm';
import type { Config } from '../config';
import { RouterFleet } from '../domains';
import type { DockerClient } from '../infra/docker/docker-client';
import { createRouterFleetEngine } from '../infra/docker/router-agent-service';
import { berthVersion, PROJECT_ROOT } from '../version';
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

/** `berth router:deploy`: the router agents as the global swarm service berth-router (docs/swarm.md), built from this berth's own files. */
export function routerFleetOf(o: { config: Config; docker: DockerClient; swarm: SwarmEngine; registry: ImageRegistry; events: EventsService }): RouterFleet {
  const { config } = o;
  return new RouterFleet({
    swarm: o.swarm, registry: o.registry, events: o.events, feedOn: config.routerFeed, agentRedisUrl: config.routerRedisUrl, redisPrefix: config.redisPrefix,
    domain: config.domain, httpPort: config.routerPort, httpsPort: config.routerHttpsPort, registryAddr: config.registryAddr,
    engine: createRouterFleetEngine({ docker: o.docker, root: PROJECT_ROOT, version: berthVersion(), baseImage: 'berth/base:bookworm', authFor: (image) => o.registry.authFor(image) }),
  });
}
