import fs from 'node:fs';
import { BerthError, asBerthError } from '../errors';
import type { BuildJob, BuildJobContext } from '../ports/build-queue';
import type { LogBus } from '../ports/log-bus';
import type { BuildRecord, ReleaseRecord, Store } from '../ports/store';
import type { EventsService } from '../events';
import type { ReleasePipeline } from '../deploys';
import { configDiff, describeDiff, type ConfigRestorer } from '../config-vars';
import type { ReleasesWriter } from '../releases/releases-reader';
import type { ProcessesWriter } from '../processes/processes-reader';
import { parseRollbackSource } from '../naming';
import { BuildLog } from './build-log';
import type { BuiltSource } from './image-builder';
import type { ReleaseMaker } from './release-maker';
import type { NotificationEvent } from '../notifications';

/** Jobs that make no release: they are not deploys to tell anyone about. */
const OPERATIONS = new Set(['scale', 'restart', 'stop', 'start']);

export interface BuildRunnerDeps {
  /** The builds module's own table and the store's transaction (go-live writes several modules' rows at once). */
  readonly store: Pick<Store, 'builds' | 'transaction'>;
  /** Other modules' data, through their owners: config vars (hidden in the log, a rollback's restore), the live mark, the adopted formation. */
  readonly config: ConfigRestorer;
  readonly releaseRecords: Pick<ReleasesWriter, 'setCurrent'> & Partial<Pick<ReleasesWriter, 'current'>>;
  readonly processes: Pick<ProcessesWriter, 'adoptFormation'>;
  readonly repos: { resolveRef(app: string, ref: string): Promise<string | null> };
  readonly logs: LogBus;
  readonly events: EventsService;
  /** build → release → predeploy → start → health → route → retire, each undone when a later one fails. */
  readonly pipeline: ReleasePipeline<BuiltSource>;
  readonly releases: Pick<ReleaseMaker, 'pruneImages'>;
  readonly buildLogsDir: string;
  readonly timeoutSeconds: number;
  /** e.g. http://myapp.localhost — printed when a deploy succeeds. */
  readonly urlOf: (app: string) => string;
  /** app.json's postdeploy script and cron, once the release is live. */
  readonly afterDeploy?: (release: ReleaseRecord, log: (line: string) => void) => Promise<void>;
  /** A synced commit went live: the app's deploy branch moves to it (as a push's branch does). */
  readonly synced?: (app: string, sha: string) => Promise<void>;
  /** Jobs that make no release (ps:scale, ps:restart, …): run in the app's turn, logged like builds. */
  readonly operations?: {
    handles(kind: string): boolean;
    run(build: BuildRecord, ctx: { log: (line: string) => void; signal: AbortSignal }): Promise<void>;
  };
  /** Deploy started/succeeded/failed go here (app/notifications): it only queues, so it never fails or slows the deploy. */
  readonly notify?: (event: NotificationEvent) => void;
  /** The deploy watch (app/deploys/deploy-watch.ts): told in the go-live transaction which release replaced which. */
  readonly watch?: { begin(live: ReleaseRecord, o: { previous: number | null; kind: string }): void };
  /** The dashboard page of a build's log, for the notifications' link. */
  readonly buildLink?: (app: string, build: number) => string;
}

/** The worker side of a build job: runs the release pipeline (or a process operation) and records the outcome. */
export class BuildRunner {
  constructor(private readonly deps: BuildRunnerDeps) {}

  readonly handle = async (job: BuildJob, ctx: BuildJobContext): Promise<void> => {
    const { store } = this.deps;
    const build = store.builds.getById(job.buildId);
    if (!build || (build.status !== 'queued' && build.status !== 'running')) return;
    const log = new BuildLog(this.deps.logs, this.deps.buildLogsDir, build.id);
    log.hide(Object.values(this.deps.config.values(build.app)));
    if (build.status === 'running') {
      // A worker died during this build and BullMQ handed it out again: its half-done work is gone.
      return this.fail(build, log, new BerthError('BUILD_FAILED', 'berth stopped during this build; push again.'));
    }
    if (ctx.signal.aborted) return this.finish(build, log, 'cancelled', 'Build cancelled before it started.');
    store.builds.markRunning(build.id);
    if (!OPERATIONS.has(build.kind)) this.tell({ kind: 'deploy.started', app: build.app, build: build.id, source: `${build.kind} ${build.source}`, user: build.user, link: this.link(build) });

    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.deps.timeoutSeconds * 1000);
    const signal = AbortSignal.any([ctx.signal, timeout.signal]);
    try {
      if (this.deps.operations?.handles(job.kind)) {
        await this.deps.operations.run(build, { log: log.line, signal });
        store.builds.finish(build.id, { status: 'succeeded' });
        log.line('=====> Done');
        await log.end('succeeded');
        return;
      }
      let restored: string | null = null;
      const release = await this.deps.pipeline.run({
        build, job, log: log.line, signal,
        goLive: (live, alsoRecord) => store.transaction(() => {
          const previous = this.deps.releaseRecords.current?.(live.app)?.version ?? null;
          this.deps.releaseRecords.setCurrent(live.app, live.version);
          this.deps.watch?.begin(live, { previous, kind: job.kind });
          if (job.kind === 'rollback') restored = this.restoreConfig(live, build);
          alsoRecord();
          this.deps.processes.adoptFormation(live);
          store.builds.finish(build.id, { status: 'succeeded', releaseVersion: live.version });
          this.deps.events.record({ app: build.app, kind: 'deploy.succeeded', message: `deployed v${live.version} (${live.description})`, user: build.user });
        }),
      });
      if (restored) log.line(`-----> Config vars are v${parseRollbackSource(build.source).version}'s again: ${restored}`);
      if (job.kind === 'sync') await this.deps.synced?.(build.app, build.source.split(' ')[0]).catch((e: Error) => log.line(`!     the deploy branch was not moved: ${e.message}`));
      await this.deps.afterDeploy?.(release, log.line);
      log.line(`=====> Deployed ${this.deps.urlOf(build.app)} (v${release.version})`);
      await log.end('succeeded');
      this.tell({ kind: 'deploy.succeeded', app: build.app, build: build.id, release: release.version, url: this.deps.urlOf(build.app), link: this.link(build) });
      if (job.kind === 'push' && job.ref) await this.waitForRefUpdate(job);
      await this.deps.releases.pruneImages(build.app).catch(() => undefined);
    } catch (e) {
      if (ctx.signal.aborted) await this.finish(build, log, 'cancelled', 'Build cancelled.');
      else if (timeout.signal.aborted) await this.fail(build, log, new BerthError('BUILD_TIMEOUT', `The build ran longer than ${this.deps.timeoutSeconds} s (BERTH_BUILD_TIMEOUT) and was stopped.`));
      else await this.fail(build, log, asBerthError(e));
    } finally {
      clearTimeout(timer);
      // Awaited: the job ends with its snapshot gone (whoever cleans up after it never races the removal).
      if (build.snapshotPath) await fs.promises.rm(build.snapshotPath, { force: true }).catch(() => undefined);
    }
  };

  /**
   * Heroku's rule: a rollback releases the target's code *and* config, so the app's config vars
   * become the release's (inside the go-live transaction: a failed rollback changes nothing, and the
   * next config change starts from what runs). Answers what changed, or null when nothing did.
   */
  private restoreConfig(live: ReleaseRecord, build: BuildRecord): string | null {
    const { config } = this.deps;
    const diff = configDiff(config.values(live.app), live.config);
    if (diff.added.length + diff.changed.length + diff.removed.length === 0) return null;
    const set = Object.fromEntries([...diff.added, ...diff.changed].map((k) => [k, live.config[k]]));
    config.restore(live.app, set, diff.removed);
    const what = describeDiff(diff);
    this.deps.events.record({ app: live.app, kind: 'config.changed', message: `rollback to v${parseRollbackSource(build.source).version}: ${what}`, user: build.user });
    return what;
  }

  /** Keep the app's turn until git has moved the branch, so the next push sees the new state. */
  private async waitForRefUpdate(job: BuildJob): Promise<void> {
    const build = this.deps.store.builds.getById(job.buildId);
    for (let i = 0; i < 100; i++) {
      const sha = await this.deps.repos.resolveRef(job.app, job.ref!);
      if (sha === build?.source) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async fail(build: BuildRecord, log: BuildLog, error: BerthError): Promise<void> {
    log.line(`!     ${error.message}`);
    this.deps.store.builds.finish(build.id, { status: 'failed', error: `${error.code}: ${error.message}` });
    this.deps.events.record({ app: build.app, kind: 'build.failed', message: `build ${build.id} failed: ${error.message}`, user: build.user });
    await log.end('failed');
    if (!OPERATIONS.has(build.kind)) this.tell({ kind: 'deploy.failed', app: build.app, build: build.id, error: `${error.code}: ${error.message}`, link: this.link(build) });
  }

  /** Hands an event to the notifications; whatever goes wrong there stays there. */
  private tell(event: NotificationEvent): void {
    try {
      this.deps.notify?.(event);
    } catch {
      // notify only queues and catches its own failures; a throw here must still not touch the deploy.
    }
  }

  private link(build: BuildRecord): string {
    return this.deps.buildLink?.(build.app, build.id) ?? `/apps/${build.app}/builds/${build.id}`;
  }

  private async finish(build: BuildRecord, log: BuildLog, status: 'cancelled', message: string): Promise<void> {
    log.line(`!     ${message}`);
    this.deps.store.builds.finish(build.id, { status, error: message });
    this.deps.events.record({ app: build.app, kind: 'build.cancelled', message: `build ${build.id} cancelled`, user: build.user });
    await log.end(status);
  }
}
