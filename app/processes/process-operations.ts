import { BerthError } from '../errors';
import type { BuildRecord, Store } from '../ports/store';
import type { EventsService } from '../events';
import type { Deployer, Log } from '../deploys';
import { converge } from './converge';
import { processTypes } from './formation';

export const PROCESS_JOB_KINDS = ['scale', 'restart', 'stop', 'start'] as const;
export type ProcessJobKind = (typeof PROCESS_JOB_KINDS)[number];

/**
 * The worker side of ps:scale, ps:restart, ps:stop and ps:start. They run as jobs in the app's
 * build queue (the queue holds the app's lock for them), so they never overlap a deploy.
 * The job's `source` carries its argument: the scale as JSON, or the process type to restart.
 */
export class ProcessOperations {
  constructor(private readonly deps: { store: Store; deployer: Deployer; events: EventsService }) {}

  handles(kind: string): boolean {
    return (PROCESS_JOB_KINDS as readonly string[]).includes(kind);
  }

  async run(build: BuildRecord, ctx: { log: Log; signal?: AbortSignal }): Promise<void> {
    const { store } = this.deps;
    const release = store.releases.current(build.app);
    if (build.kind === 'stop') return this.stop(build, ctx.log);
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
        await converge(this.deps.deployer, release, { log: ctx.log, signal: ctx.signal });
      } catch (e) {
        // Back to what ran before, so the reconciler does not keep retrying a scale that fails.
        store.formation.set(build.app, Object.fromEntries(Object.keys(scale).map((t) => [t, before[t] ?? (t === 'web' ? 1 : 0)])));
        throw e;
      }
      this.record(build, `scaled to ${JSON.stringify(this.deps.deployer.scaleOf(build.app, release))}`);
      return;
    }
    const replaceTypes = build.kind === 'restart' ? (build.source ? [build.source] : processTypes(release)) : [];
    ctx.log(build.kind === 'restart' ? `-----> Restarting ${replaceTypes.join(', ')} of ${build.app} (v${release.version})` : `-----> Starting ${build.app} (v${release.version})`);
    store.processState.setStopped(build.app, false);
    const done = await converge(this.deps.deployer, release, { log: ctx.log, signal: ctx.signal, replaceTypes });
    if (done.started === 0) ctx.log('-----> Nothing to start: the formation has no containers (`berth ps:scale`)');
    this.record(build, build.kind === 'restart' ? `restarted ${replaceTypes.join(', ')}` : 'started');
  }

  /** Unroutes first (the router answers the "app down" page), then stops every container. */
  private async stop(build: BuildRecord, log: Log): Promise<void> {
    const { store, deployer } = this.deps;
    store.processState.setStopped(build.app, true);
    await deployer.route(build.app);
    const containers = await deployer.containersOf(build.app);
    log(`-----> Stopping ${build.app}: ${containers.length} container${containers.length === 1 ? '' : 's'}`);
    await deployer.retireAndWait(containers, log);
    this.record(build, 'stopped');
  }

  private record(build: BuildRecord, what: string): void {
    const kind = ({ scale: 'ps.scaled', restart: 'ps.restarted', stop: 'ps.stopped', start: 'ps.started' } as const)[build.kind as ProcessJobKind];
    this.deps.events.record({ app: build.app, kind, message: what, user: build.user });
  }
}
