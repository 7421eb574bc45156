import { BerthError } from '../errors';
import type { BuildRecord, ReleaseRecord, Store } from '../ports/store';
import type { EventsService } from '../events';
import type { ReleasesReader } from '../releases/releases-reader';
import type { Log, Scheduler } from '../deploys';
import { processTypes } from './formation';

export const PROCESS_JOB_KINDS = ['scale', 'restart', 'stop', 'start'] as const;
export type ProcessJobKind = (typeof PROCESS_JOB_KINDS)[number];

/**
 * The worker side of ps:scale, ps:restart, ps:stop and ps:start, on whichever scheduler runs the
 * app (the schedulers are peers: docker-local converges containers, swarm scales services). They
 * run as jobs in the app's build queue (the queue holds the app's lock for them), so they never
 * overlap a deploy. The job's `source` carries its argument: the scale as JSON, or the process
 * type to restart.
 */
export class ProcessOperations {
  constructor(private readonly deps: {
    /** The processes module's own tables; the live release through the releases module. */
    store: Pick<Store, 'formation' | 'processState'>; releases: Pick<ReleasesReader, 'current'>; events: EventsService;
    /** The app's scheduler (SchedulerRegistry.for). */
    schedulerOf: (app: string) => Scheduler;
    /** Counts per process type (Deployer.scaleOf): the app's own, else app.json's formation, else 1 web. */
    scaleOf: (app: string, release: ReleaseRecord) => Record<string, number>;
  }) {}

  handles(kind: string): boolean {
    return (PROCESS_JOB_KINDS as readonly string[]).includes(kind);
  }

  async run(build: BuildRecord, ctx: { log: Log; signal?: AbortSignal }): Promise<void> {
    const { store } = this.deps;
    const scheduler = this.deps.schedulerOf(build.app);
    const release = this.deps.releases.current(build.app);
    if (build.kind === 'stop') return this.stop(build, scheduler, ctx.log);
    if (!release) throw new BerthError('NO_RELEASE', `${build.app} has not been deployed yet; push it first.`);
    if (build.kind === 'scale') {
      const scale = JSON.parse(build.source) as Record<string, number>;
      const before = store.formation.get(build.app);
      store.formation.set(build.app, scale);
      ctx.log(`-----> Scaling ${build.app}: ${Object.entries(scale).map(([t, n]) => `${t}=${n}`).join(' ')}`);
      if (store.processState.isStopped(build.app)) {
        ctx.log('-----> The app is stopped: the new scale applies at `berth ps:start`');
        return;
      }
      try {
        await scheduler.scale(release, ctx.log, { signal: ctx.signal });
      } catch (e) {
        // Back to what ran before, so the reconciler does not keep retrying a scale that fails.
        store.formation.set(build.app, Object.fromEntries(Object.keys(scale).map((t) => [t, before[t] ?? (t === 'web' ? 1 : 0)])));
        throw e;
      }
      this.record(build, scheduler, `scaled to ${JSON.stringify(this.deps.scaleOf(build.app, release))}`);
      return;
    }
    const replaceTypes = build.kind === 'restart' ? (build.source ? [build.source] : processTypes(release)) : [];
    ctx.log(build.kind === 'restart' ? `-----> Restarting ${replaceTypes.join(', ')} of ${build.app} (v${release.version})` : `-----> Starting ${build.app} (v${release.version})`);
    store.processState.setStopped(build.app, false);
    const started = build.kind === 'restart'
      ? await scheduler.restart(release, replaceTypes, ctx.log, { signal: ctx.signal })
      : await scheduler.scale(release, ctx.log, { signal: ctx.signal });
    if (started === 0) ctx.log('-----> Nothing to start: the formation has no containers (`berth ps:scale`)');
    this.record(build, scheduler, build.kind === 'restart' ? `restarted ${replaceTypes.join(', ')}` : 'started');
  }

  /** Unroutes first (the router answers the "app down" page), then stops every process. */
  private async stop(build: BuildRecord, scheduler: Scheduler, log: Log): Promise<void> {
    this.deps.store.processState.setStopped(build.app, true);
    await scheduler.stop(build.app, log);
    this.record(build, scheduler, 'stopped');
  }

  private record(build: BuildRecord, scheduler: Scheduler, what: string): void {
    const kind = ({ scale: 'ps.scaled', restart: 'ps.restarted', stop: 'ps.stopped', start: 'ps.started' } as const)[build.kind as ProcessJobKind];
    // Events name a scheduler other than the default docker-local, as they always have ("(swarm)").
    this.deps.events.record({ app: build.app, kind, message: scheduler.name === 'docker-local' ? what : `${what} (${scheduler.name})`, user: build.user });
  }
}
