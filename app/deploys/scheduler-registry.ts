import type { SchedulerStateStore } from '../ports/scheduler-state';
import type { Log } from './pipeline';
import type { Scheduler, SchedulerName } from './scheduler';

/**
 * Which scheduler runs an app: its own setting (`scheduler:set`, table app_scheduler), else
 * BERTH_SCHEDULER. The schedulers are peers registered here by name; callers that act on an app's
 * processes whatever runs them (routing, one-offs, status) go through `for(app)`.
 */
export class SchedulerRegistry {
  private readonly byName: ReadonlyMap<SchedulerName, Scheduler>;

  constructor(private readonly o: {
    schedulers: readonly Scheduler[];
    settings: SchedulerStateStore;
    defaultScheduler: SchedulerName;
  }) {
    this.byName = new Map(o.schedulers.map((s) => [s.name, s]));
  }

  nameFor(app: string): SchedulerName {
    const own = this.o.settings.get(app).scheduler;
    return own !== null && this.byName.has(own as SchedulerName) ? (own as SchedulerName) : this.o.defaultScheduler;
  }

  for(app: string): Scheduler {
    return this.get(this.nameFor(app));
  }

  get(name: SchedulerName): Scheduler {
    const s = this.byName.get(name);
    if (!s) throw new Error(`no scheduler named ${name}`);
    return s;
  }

  isSwarm(app: string): boolean {
    return this.nameFor(app) === 'swarm';
  }

  /** Re-applies the app's route with the scheduler that runs it (domain, port, certificate changes). */
  route(app: string): Promise<void> {
    return this.for(app).route(app);
  }

  /**
   * The scheduler the app's live release was deployed on (recorded when it went live), so a deploy
   * on another one knows what to retire without asking every scheduler. null: nothing recorded
   * (never deployed, or deployed before berth recorded it).
   */
  runningOn(app: string): SchedulerName | null {
    const on = this.o.settings.get(app).runningOn;
    return on !== null && this.byName.has(on as SchedulerName) ? (on as SchedulerName) : null;
  }

  markRunningOn(app: string, name: SchedulerName): void {
    this.o.settings.setRunningOn(app, name);
  }

  /**
   * The schedulers that may still run processes of the app besides `name`: the recorded one when
   * it differs, none when it is the same; unknown (an app deployed before the record): all others.
   */
  othersRunning(app: string, name: SchedulerName, hasRelease: boolean): Scheduler[] {
    const on = this.runningOn(app);
    if (on !== null) return on === name ? [] : [this.get(on)];
    return hasRelease ? [...this.byName.values()].filter((s) => s.name !== name) : [];
  }

  /** Destroy and rename: whatever runs, on any scheduler, goes at once. */
  async retireEverywhere(app: string, log: Log): Promise<void> {
    for (const s of this.byName.values()) await s.retire(app, log).catch((e: Error) => log(`!     ${s.name}: ${e.message}`));
  }
}
