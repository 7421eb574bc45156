import fs from 'node:fs';
import { BerthError } from '../errors';
import type { BuildJob, BuildQueue, BuildSourceKind } from '../ports/build-queue';
import type { LogBus } from '../ports/log-bus';
import type { BuildRecord, Store } from '../ports/store';
import type { EventsService } from '../events';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesWriter } from '../releases/releases-reader';
import { BuildLog } from './build-log';
import { describeBuild } from './build-description';

export interface EnqueueRequest {
  readonly app: string;
  readonly kind: BuildSourceKind;
  readonly source: string;
  readonly snapshotPath?: string | null;
  readonly user: string | null;
  readonly ref?: string;
  readonly expectedOldSha?: string;
  readonly whileCurrent?: number;
}

/** apps:lock's refusal, the same from the build queue and from the push gate (before git starts). */
export const lockedError = (app: string): BerthError =>
  new BerthError('APP_LOCKED', `${app} is locked for deploys; nothing was queued. \`berth apps:unlock ${app}\` unlocks it.`);

/** The web side of builds: queue them, follow their logs, list, cancel, recover after a crash. */
export class BuildsService {
  constructor(private readonly deps: {
    /** The builds module's own table; the app's record and the releases a dead build left through their owners. */
    store: Pick<Store, 'builds' | 'transaction'>; apps: AppsReader; releases: Pick<ReleasesWriter, 'current' | 'list' | 'remove'>;
    queue: BuildQueue; logs: LogBus; events: EventsService; buildLogsDir: string;
  }) {}

  async enqueue(req: EnqueueRequest): Promise<{ build: BuildRecord; ahead: number }> {
    const { store } = this.deps;
    const app = this.deps.apps.find(req.app);
    if (!app) throw new BerthError('APP_NOT_FOUND', `App "${req.app}" does not exist; \`berth apps:list\` shows your apps.`);
    if (app.locked) throw lockedError(req.app);
    const build = store.transaction(() => {
      const b = store.builds.create({ app: req.app, kind: req.kind, source: req.source, snapshotPath: req.snapshotPath ?? null, user: req.user });
      this.deps.events.record({ app: req.app, kind: 'build.queued', message: `build ${b.id} queued (${describeBuild(req).slice(0, 48)})`, user: req.user });
      return b;
    });
    const job: BuildJob = { buildId: build.id, app: req.app, kind: req.kind, ref: req.ref, expectedOldSha: req.expectedOldSha, ...(req.whileCurrent === undefined ? {} : { whileCurrent: req.whileCurrent }) };
    await this.deps.queue.enqueue(job);
    return { build, ahead: await this.deps.queue.positionOf(job) };
  }

  /** Streams a build's log from its first line until it ends; resolves with the build as it ended. */
  async follow(build: BuildRecord, onLine: (line: string) => void, signal?: AbortSignal): Promise<BuildRecord> {
    const finished = this.deps.store.builds.getById(build.id);
    if (finished && this.isDone(finished)) {
      for (const line of this.storedLog(finished)) onLine(line);
      return finished;
    }
    await this.deps.logs.follow(build.id, onLine, signal);
    return this.deps.store.builds.getById(build.id)!;
  }

  /**
   * For /metrics: each finished job's app, kind, outcome and seconds from start to end, and how many
   * wait or run now (the builds table, so it is right whichever process runs the worker).
   */
  metricsFacts(): { finished: Array<{ app: string; kind: string; status: string; seconds: number }>; queued: number; running: number } {
    const { builds } = this.deps.store;
    const finished = builds.listByStatus(['succeeded', 'failed', 'cancelled']).flatMap((b) => {
      const seconds = (Date.parse(b.finishedAt ?? '') - Date.parse(b.startedAt ?? '')) / 1000;
      return Number.isFinite(seconds) && seconds >= 0 ? [{ app: b.app, kind: b.kind, status: b.status, seconds }] : [];
    });
    return { finished, queued: builds.listByStatus(['queued']).length, running: builds.listByStatus(['running']).length };
  }

  list(app: string, limit = 20): BuildRecord[] {
    return this.deps.store.builds.list(app, limit);
  }

  get(app: string, id?: number): BuildRecord {
    const build = id === undefined ? this.deps.store.builds.list(app, 1)[0] : this.deps.store.builds.get(app, id);
    if (!build) throw new BerthError('BUILD_NOT_FOUND', `${app} has no build${id === undefined ? 's yet' : ` ${id}`}; \`berth builds:list ${app}\` shows them.`);
    return build;
  }

  storedLog(build: BuildRecord): string[] {
    try {
      return fs.readFileSync(BuildLog.fileOf(this.deps.buildLogsDir, build.id), 'utf8').replace(/\n$/, '').split('\n');
    } catch {
      return [];
    }
  }

  /** Cancels the app's running build, or else its oldest queued one. */
  async cancel(app: string): Promise<BuildRecord> {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
    const live = this.deps.store.builds.list(app, 50).filter((b) => !this.isDone(b));
    const target = live.find((b) => b.status === 'running') ?? live[live.length - 1];
    if (!target) throw new BerthError('NO_BUILD_RUNNING', `${app} has no running or queued build.`);
    await this.deps.queue.cancel(target.id);
    return target;
  }

  /**
   * After a crash: builds left running are failed (their worker is gone), and the queue forgets
   * them so the app's next build is not stuck behind a ghost.
   */
  async recoverAfterCrash(): Promise<number> {
    const { store } = this.deps;
    const stale = store.builds.listByStatus(['running']);
    for (const b of stale) {
      store.builds.finish(b.id, { status: 'failed', error: 'BUILD_FAILED: berth stopped during this build; push again.' });
      await this.deps.logs.end(b.id, 'failed').catch(() => undefined);
      if (b.snapshotPath) fs.rmSync(b.snapshotPath, { force: true });
    }
    for (const app of new Set(stale.map((b) => b.app))) {
      // A release newer than the live one was being made or deployed by the dead build: it never went live.
      const { releases } = this.deps;
      const live = releases.current(app)?.version ?? 0;
      for (const r of releases.list(app)) if (r.version > live) releases.remove(app, r.version);
      // The dead worker's app lock would block the app's next build until its lease ran out.
      await this.deps.queue.releaseApp(app);
    }
    await this.deps.queue.prune((id) => {
      const b = store.builds.getById(id);
      return !!b && !this.isDone(b);
    });
    return stale.length;
  }

  isDone(b: BuildRecord): boolean {
    return b.status === 'succeeded' || b.status === 'failed' || b.status === 'cancelled';
  }
}
