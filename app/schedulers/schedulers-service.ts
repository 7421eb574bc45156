import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { ReleaseRecord, Store } from '../ports/store';
import type { SwarmEngine, SwarmNode } from '../ports/swarm';
import { parseNodeLabels, parsePlacement } from './placement';
import { SCHEDULER_NAMES, type SchedulerName, type SchedulerStatus } from '../deploys/scheduler';
import { requireSwarm } from './require-swarm';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesReader } from '../releases/releases-reader';

export interface SchedulerReport {
  readonly app: string;
  /** The app's own setting, or null: it follows BERTH_SCHEDULER. */
  readonly setting: SchedulerName | null;
  /** The scheduler in force. */
  readonly scheduler: SchedulerName;
  readonly placement: readonly string[];
  readonly status: SchedulerStatus;
}

export interface SchedulersServiceDeps {
  readonly store: Pick<Store, 'schedulers'>;
  readonly apps: AppsReader;
  readonly releases: ReleasesReader;
  readonly events: EventsService;
  readonly swarm: SwarmEngine;
  readonly nameFor: (app: string) => SchedulerName;
  readonly statusOf: (app: string, release: ReleaseRecord | null) => Promise<SchedulerStatus>;
  /** Re-releases the current release through the build queue (the new scheduler deploys it). */
  readonly redeploy: (app: string, reason: string, user: string | null) => Promise<{ build: unknown; ahead: number }>;
}

/** The web side of scheduler:set, ps:set placement, nodes and nodes:label. */
export class SchedulersService {
  constructor(private readonly deps: SchedulersServiceDeps) {}

  async report(app: string): Promise<SchedulerReport> {
    this.requireApp(app);
    const own = this.deps.store.schedulers.get(app);
    return {
      app,
      setting: (own.scheduler as SchedulerName | null) ?? null,
      scheduler: this.deps.nameFor(app),
      placement: own.placement,
      status: await this.deps.statusOf(app, this.deps.releases.current(app)),
    };
  }

  /** `swarm`, `docker-local` or `default`; a deployed app is re-released onto the new scheduler. */
  async setScheduler(app: string, name: unknown, user: string | null): Promise<{ scheduler: SchedulerName; queued: unknown }> {
    this.requireApp(app);
    if (typeof name !== 'string' || (name !== 'default' && !(SCHEDULER_NAMES as readonly string[]).includes(name))) {
      throw new BerthError('INVALID_SCHEDULER', `"${String(name)}" is not a scheduler: use docker-local, swarm or default.`);
    }
    const before = this.deps.nameFor(app);
    // Moving an app onto swarm without one would only fail at its deploy: name the command now.
    if (name === 'swarm' && before !== 'swarm') await this.requireSwarm();
    this.deps.store.schedulers.setScheduler(app, name === 'default' ? null : name);
    const after = this.deps.nameFor(app);
    this.deps.events.record({ app, kind: 'ps.settings', message: `scheduler set to ${name}${name === 'default' ? ` (${after})` : ''}`, user });
    const queued = before !== after && this.deps.releases.current(app) ? await this.deps.redeploy(app, `scheduler ${after}`, user) : null;
    return { scheduler: after, queued };
  }

  /** Swarm placement constraints; a deployed swarm app is re-released so its services get them. */
  async setPlacement(app: string, words: readonly string[], user: string | null): Promise<{ placement: string[]; queued: unknown }> {
    this.requireApp(app);
    const placement = parsePlacement(words);
    this.deps.store.schedulers.setPlacement(app, placement);
    this.deps.events.record({ app, kind: 'ps.settings', message: `placement: ${placement.join(', ') || 'any node'}`, user });
    const redeploy = this.deps.nameFor(app) === 'swarm' && this.deps.releases.current(app);
    return { placement, queued: redeploy ? await this.deps.redeploy(app, 'placement change', user) : null };
  }

  async nodes(): Promise<SwarmNode[]> {
    await this.requireSwarm();
    return this.deps.swarm.nodes();
  }

  async labelNode(node: string, words: readonly string[]): Promise<SwarmNode> {
    const labels = parseNodeLabels(words);
    await this.requireSwarm();
    return this.deps.swarm.labelNode(node, labels);
  }

  private requireSwarm(): Promise<void> {
    return requireSwarm(this.deps.swarm);
  }

  private requireApp(app: string): void {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }
}
