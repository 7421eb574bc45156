import { BerthError } from '../errors';
import type { EventsService } from '../events';
import { processSteps, runPipeline, type Log, type SchedulerRegistry } from '../deploys';
import type { BuildRecord, ReleaseRecord, Store } from '../ports/store';
import type { SwarmScheduler } from './swarm-scheduler';

interface Operations {
  handles(kind: string): boolean;
  run(build: BuildRecord, ctx: { log: Log; signal: AbortSignal }): Promise<void>;
}

/**
 * ps:scale/restart/stop/start in the app's turn: docker-local apps go to ProcessOperations as
 * before; swarm apps to the swarm scheduler (scale services, blue/green restart, scale to 0).
 */
export function schedulerOperations(inner: Operations, o: {
  schedulers: SchedulerRegistry; swarm: SwarmScheduler; store: Store; events: EventsService;
  scaleOf: (app: string, release: ReleaseRecord) => Record<string, number>;
}): Operations {
  const { schedulers, store, events } = o;
  return {
    handles: (kind) => inner.handles(kind),
    async run(build, ctx) {
      if (!schedulers.isSwarm(build.app)) return inner.run(build, ctx);
      const swarm = o.swarm;
      const app = build.app;
      if (build.kind === 'stop') {
        store.processState.setStopped(app, true);
        await swarm.stop(app, ctx.log);
        events.record({ app, kind: 'ps.stopped', message: 'stopped (swarm)', user: build.user });
        return;
      }
      const release = store.releases.current(app);
      if (!release) throw new BerthError('NO_RELEASE', `${app} has not been deployed yet; push it first.`);
      if (build.kind === 'scale') {
        const scale = JSON.parse(build.source) as Record<string, number>;
        const before = store.formation.get(app);
        store.formation.set(app, scale);
        ctx.log(`-----> Scaling ${app} on swarm: ${Object.entries(scale).map(([t, n]) => `${t}=${n}`).join(' ')}`);
        if (store.processState.isStopped(app)) return ctx.log('-----> The app is stopped: the new scale applies at `berth ps:start`');
        try {
          await swarm.scale(release, ctx.log, { signal: ctx.signal });
        } catch (e) {
          store.formation.set(app, Object.fromEntries(Object.keys(scale).map((t) => [t, before[t] ?? (t === 'web' ? 1 : 0)])));
          throw e;
        }
        events.record({ app, kind: 'ps.scaled', message: `scaled to ${JSON.stringify(o.scaleOf(app, release))} (swarm)`, user: build.user });
        return;
      }
      store.processState.setStopped(app, false);
      if (build.kind === 'restart') {
        ctx.log(`-----> Restarting ${app} (v${release.version}) on swarm: new services, then the old ones go`);
        // The release pipeline's process steps, for the release that is already current.
        const steps = processSteps<{ log: Log; signal: AbortSignal; scheduler: SwarmScheduler }>({
          release: () => release, goLive: () => undefined, routeBack: async () => 'nothing to route back',
        });
        await runPipeline(steps, { log: ctx.log, signal: ctx.signal, scheduler: swarm }, ctx.log);
        events.record({ app, kind: 'ps.restarted', message: 'restarted (swarm)', user: build.user });
      } else {
        ctx.log(`-----> Starting ${app} (v${release.version}) on swarm`);
        await swarm.scale(release, ctx.log, { signal: ctx.signal });
        events.record({ app, kind: 'ps.started', message: 'started (swarm)', user: build.user });
      }
    },
  };
}
