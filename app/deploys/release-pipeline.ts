import { BerthError } from '../errors';
import type { BuildJob } from '../ports/build-queue';
import type { AppRecord, BuildRecord, ReleaseRecord } from '../ports/store';
import { hookStep, runPipeline, step, type HookRunner, type Log, type Step } from './pipeline';
import { snapshotSteps, type DataSnapshotSteps } from './snapshot-steps';
import type { Scheduler, StartedRelease } from './scheduler';
import type { SchedulerRegistry } from './scheduler-registry';

/** An image the job built (push, rebuild, archive): its temporary tag, until the release retags it. */
export interface BuiltImage {
  readonly image: string;
}

/**
 * What makes a release out of a job (app/builds' ReleaseProducer): the image build for jobs that
 * build one, and the release record (tagged `vN`) for all. Each answers how to take it back.
 */
export interface ReleaseProducer<B extends BuiltImage = BuiltImage> {
  /** The job's app, read once per run (the steps get it from the run); throws APP_NOT_FOUND when it is gone. */
  appOf(build: BuildRecord): AppRecord;
  /** The tag the job's build will have; null: the job builds nothing (config, rollback, image). */
  buildTag(build: BuildRecord, job: BuildJob): string | null;
  build(run: ReleaseRun<B>): Promise<B>;
  /** Removes the build's image if it is still there; answers what it did. */
  dropBuild(built: B): Promise<string>;
  release(run: ReleaseRun<B>): Promise<ReleaseRecord>;
  /** Deletes the release record and its `vN` tag; answers what it did. */
  discard(release: ReleaseRecord): Promise<string>;
}

/** One run of the pipeline: the job, its log, and what the steps made so far. */
export interface ReleaseRun<B extends BuiltImage = BuiltImage> {
  readonly build: BuildRecord;
  readonly job: BuildJob;
  readonly log: Log;
  readonly signal?: AbortSignal;
  /** The app's record, read once when the run starts and handed to every step (none re-reads it). */
  app?: AppRecord;
  /**
   * Makes the release current in one transaction (current release, formation, the build's row,
   * the event) and runs `alsoRecord` inside it (the scheduler the release runs on).
   */
  readonly goLive: (release: ReleaseRecord, alsoRecord: () => void) => void;
  built?: B;
  release?: ReleaseRecord;
  scheduler?: Scheduler;
  started?: StartedRelease;
  others?: Scheduler[];
  /** The live release before this run (null: the first deploy). */
  previous?: ReleaseRecord | null;
  /** A failed `--restore-data` could not put the data back: the snapshot of it is kept, not deleted (snapshot-steps.ts). */
  dataAtRisk?: boolean;
}

export type { DataSnapshotSteps } from './snapshot-steps';

export interface ReleasePipelineDeps<B extends BuiltImage> {
  readonly producer: ReleaseProducer<B>;
  readonly schedulers: SchedulerRegistry;
  readonly hooks: HookRunner;
  readonly currentRelease: (app: string) => ReleaseRecord | null;
  /** app.json's `predeploy` script, in a one-off container of the new image; a throw stops the deploy. */
  readonly predeploy?: (release: ReleaseRecord, log: Log) => Promise<void>;
  /** Snapshots of the linked databases before a release command, and their restore (app/snapshots). */
  readonly snapshots?: DataSnapshotSteps;
}

const need = <T>(v: T | undefined | null, what: string): T => {
  if (v === undefined || v === null) throw new BerthError('DEPLOY_FAILED', `internal: ${what} is missing in the release pipeline`);
  return v;
};

/**
 * The one path from a job to a live release, as named steps each with its undo:
 * build → release → snapshot → restore-data → predeploy → start → health → route → retire, with the plugin hooks
 * (build:before/after, deploy:before/after) as steps of it. A failing step undoes what ran before
 * it in reverse, in the push/deploy log (`undo: start — removed 2 containers`), so the previous
 * release keeps serving and nothing of the new one stays. `route` is the point of no return: it
 * switches the router and makes the release current; `retire` and `deploy:after` only warn.
 */
export class ReleasePipeline<B extends BuiltImage = BuiltImage> {
  readonly steps: readonly Step<ReleaseRun<B>>[];

  constructor(private readonly deps: ReleasePipelineDeps<B>) {
    const { producer, hooks } = deps;
    const builds = (r: ReleaseRun<B>) => producer.buildTag(r.build, r.job) !== null;
    const tag = (r: ReleaseRun<B>) => producer.buildTag(r.build, r.job) ?? '';
    const release = (r: ReleaseRun<B>) => need(r.release, 'the release');
    this.steps = [
      hookStep(hooks, 'build:before', (r) => ({ app: r.build.app, tag: tag(r), log: r.log }), { when: builds }),
      step('build', async (r: ReleaseRun<B>) => (r.built = await producer.build(r)), (built) => producer.dropBuild(built), { when: builds }),
      hookStep(hooks, 'build:after', (r) => ({ app: r.build.app, tag: tag(r), image: need(r.built, 'the build').image, log: r.log }), { when: builds }),
      step('release', async (r: ReleaseRun<B>) => {
        r.release = await producer.release(r);
        r.log(`-----> Releasing v${r.release.version}`);
        return r.release;
      }, (made) => producer.discard(made)),
      hookStep(hooks, 'deploy:before', (r) => ({ app: r.build.app, release: release(r), log: r.log })),
      ...snapshotSteps<ReleaseRun<B>>(deps.snapshots, release),
      step('predeploy', async (r: ReleaseRun<B>) => {
        await deps.predeploy?.(release(r), r.log);
        if (release(r).processes.release) await need(r.scheduler, 'the scheduler').runReleaseCommand(release(r), r.log);
      }),
      ...processSteps<ReleaseRun<B>>({
        release, goLive: (r) => this.goLive(r), others: (r) => this.othersToRetire(r),
        // The router goes back to what served before: the previous release, on the scheduler it ran on.
        routeBack: async (r) => {
          const app = r.build.app;
          const before = deps.schedulers.runningOn(app);
          await (before ? deps.schedulers.get(before) : need(r.scheduler, 'the scheduler')).route(app);
          return r.previous ? `the router points at v${r.previous.version} again` : 'the app is unrouted again (no earlier release)';
        },
      }),
      hookStep(hooks, 'deploy:after', (r) => ({ app: r.build.app, release: release(r), log: r.log })),
    ];
  }

  /** Runs every step for the job; resolves with the release, live. */
  async run(r: ReleaseRun<B>): Promise<ReleaseRecord> {
    r.app = this.deps.producer.appOf(r.build);
    r.previous = this.deps.currentRelease(r.build.app);
    r.scheduler = this.deps.schedulers.for(r.build.app);
    await runPipeline(this.steps, r, r.log);
    return need(r.release, 'the release');
  }

  /** The release becomes current, and the scheduler it runs on is recorded; what ran before is the retire step's. */
  private goLive(r: ReleaseRun<B>): void {
    const rel = need(r.release, 'the release');
    const scheduler = need(r.scheduler, 'the scheduler').name;
    r.goLive(rel, () => this.deps.schedulers.markRunningOn(rel.app, scheduler));
  }

  /** What still runs the app elsewhere after a switch of scheduler: the one it ran on before. */
  othersToRetire(r: ReleaseRun<B>): Scheduler[] {
    return this.deps.schedulers.othersRunning(r.build.app, need(r.scheduler, 'the scheduler').name, r.previous !== null && r.previous !== undefined);
  }
}

/** The part of a run the process steps read: the scheduler and what its start made. */
interface ProcessRun {
  readonly log: Log;
  readonly signal?: AbortSignal;
  scheduler?: Scheduler;
  started?: StartedRelease;
  /** Schedulers that ran the app before this run and are to retire it (read before going live). */
  others?: Scheduler[];
}

/**
 * start → health → route → retire on the run's scheduler. `goLive` runs inside `route` once the
 * router points at the new processes (a throw there switches back); `routeBack` is route's
 * own undo when going live fails. `retire` retires this scheduler's old processes, then (a switch of
 * scheduler) the app's processes on the one it ran on before.
 */
export function processSteps<R extends ProcessRun>(o: {
  release: (r: R) => ReleaseRecord;
  goLive: (r: R) => void;
  routeBack: (r: R) => Promise<string>;
  /** Schedulers that still run the app (read before goLive records the new one). */
  others?: (r: R) => Scheduler[];
}): Step<R>[] {
  const scheduler = (r: R) => need(r.scheduler, 'the scheduler');
  const started = (r: R) => need(r.started, 'the started processes');
  return [
    step('start', async (r: R) => (r.started = await scheduler(r).start(o.release(r), r)), async (s, r) => scheduler(r).unstart(s)),
    step('health', async (r: R) => { await scheduler(r).checkHealth(started(r), r); }),
    step('route', async (r: R) => {
      r.others = o.others?.(r) ?? [];
      await scheduler(r).switchTo(started(r), r);
      try {
        o.goLive(r);
      } catch (e) {
        r.log(`-----> undo: route — ${await o.routeBack(r)}`);
        throw e;
      }
    }, undefined, { final: true }),
    step('retire', async (r: R) => {
      await scheduler(r).retireOld(started(r), r);
      for (const s of r.others ?? []) await s.retire(o.release(r).app, r.log, { movedTo: scheduler(r).name });
    }),
  ];
}
