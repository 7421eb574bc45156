import type { BuildSettings } from './build-settings';
import fs from 'node:fs';
import { BerthError, asBerthError } from '../errors';
import type { BuildJob, BuildJobContext } from '../ports/build-queue';
import type { ContainerEngine } from '../ports/container-engine';
import type { GitRepos } from '../ports/git-repos';
import type { LogBus } from '../ports/log-bus';
import type { BuildRecord, ReleaseRecord, Store } from '../ports/store';
import type { EventsService } from '../events';
import { Deployer, imageRepo } from '../deploys';
import { BuildLog } from './build-log';
import type { ImageBuilder } from './image-builder';
import type { ReleaseMaker } from './release-maker';

export interface BuildRunnerDeps {
  readonly store: Store;
  readonly engine: ContainerEngine;
  readonly repos: GitRepos;
  readonly logs: LogBus;
  readonly events: EventsService;
  readonly builder: ImageBuilder;
  readonly releases: ReleaseMaker;
  readonly deployer: Deployer;
  /** Per-app Dockerfile settings and build docker-options; none: defaults. */
  readonly buildSettings?: BuildSettings;
  readonly buildLogsDir: string;
  readonly timeoutSeconds: number;
  /** e.g. http://myapp.localhost — printed when a deploy succeeds. */
  readonly urlOf: (app: string) => string;
  /** Checks the app's own proxy template at this commit (infra/nginx checkAppTemplate); throws INVALID_NGINX_TEMPLATE. */
  readonly checkProxyTemplate?: (app: string, sha: string) => Promise<void>;
  /** app.json's deploy scripts and cron: before the switch (a throw aborts the deploy) and once live. */
  readonly deployHooks?: {
    beforeDeploy(release: ReleaseRecord, log: (line: string) => void): Promise<void>;
    afterDeploy(release: ReleaseRecord, log: (line: string) => void): Promise<void>;
  };
  /** Jobs that make no release (ps:scale, ps:restart, …): run in the app's turn, logged like builds. */
  readonly operations?: {
    handles(kind: string): boolean;
    run(build: BuildRecord, ctx: { log: (line: string) => void; signal: AbortSignal }): Promise<void>;
  };
}

/** The worker side of a build job: build (or take) an image, make a release, deploy it. */
export class BuildRunner {
  constructor(private readonly deps: BuildRunnerDeps) {}

  readonly handle = async (job: BuildJob, ctx: BuildJobContext): Promise<void> => {
    const { store } = this.deps;
    const build = store.builds.getById(job.buildId);
    if (!build || (build.status !== 'queued' && build.status !== 'running')) return;
    const log = new BuildLog(this.deps.logs, this.deps.buildLogsDir, build.id);
    log.hide(Object.values(store.config.get(build.app)));
    if (build.status === 'running') {
      // A worker died during this build and BullMQ handed it out again: its half-done work is gone.
      return this.fail(build, log, new BerthError('BUILD_FAILED', 'berth stopped during this build; push again.'));
    }
    if (ctx.signal.aborted) return this.finish(build, log, 'cancelled', 'Build cancelled before it started.');
    store.builds.markRunning(build.id);

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
      const release = await this.produceRelease(build, job, log, signal);
      log.line(`-----> Releasing v${release.version}`);
      try {
        await this.deps.deployHooks?.beforeDeploy(release, log.line);
        await this.deps.deployer.deploy(release, log.line, { signal });
      } catch (e) {
        this.deps.releases.discard(release);
        throw e;
      }
      store.transaction(() => {
        store.releases.setCurrent(release.app, release.version);
        this.deps.deployer.adoptFormation(release);
        store.builds.finish(build.id, { status: 'succeeded', releaseVersion: release.version });
        this.deps.events.record({ app: build.app, kind: 'deploy.succeeded', message: `deployed v${release.version} (${release.description})`, user: build.user });
      });
      await this.deps.deployHooks?.afterDeploy(release, log.line);
      log.line(`=====> Deployed ${this.deps.urlOf(build.app)} (v${release.version})`);
      await log.end('succeeded');
      if (job.kind === 'push' && job.ref) await this.waitForRefUpdate(job);
      await this.deps.releases.pruneImages(build.app).catch(() => undefined);
    } catch (e) {
      if (ctx.signal.aborted) await this.finish(build, log, 'cancelled', 'Build cancelled.');
      else if (timeout.signal.aborted) await this.fail(build, log, new BerthError('BUILD_TIMEOUT', `The build ran longer than ${this.deps.timeoutSeconds} s (BERTH_BUILD_TIMEOUT) and was stopped.`));
      else await this.fail(build, log, asBerthError(e));
    } finally {
      clearTimeout(timer);
      if (build.snapshotPath) fs.rm(build.snapshotPath, { force: true }, () => undefined);
    }
  };

  private async produceRelease(build: BuildRecord, job: BuildJob, log: BuildLog, signal: AbortSignal): Promise<ReleaseRecord> {
    const app = this.deps.store.apps.get(build.app);
    if (!app) throw new BerthError('APP_NOT_FOUND', `App "${build.app}" was destroyed.`);
    if (job.kind === 'push' && job.ref) await this.assertNotSuperseded(job);
    if (job.kind === 'config' || job.kind === 'rollback') return this.deps.releases.fromExisting(build, job.kind);
    if (job.kind === 'image') return this.deps.releases.fromImage(build, log.line);
    if (!build.snapshotPath) throw new BerthError('BUILD_FAILED', 'The build has no source snapshot.');
    const short = job.kind === 'push' || job.kind === 'rebuild' ? build.source.slice(0, 7) : 'archive';
    // A refused nginx.conf.njk fails the push now, not after a build and a health check.
    if ((job.kind === 'push' || job.kind === 'rebuild') && this.deps.checkProxyTemplate) await this.deps.checkProxyTemplate(build.app, build.source);
    log.line(`-----> Building ${build.app} (${short})`);
    const tag = `${imageRepo(build.app)}:build-${build.id}`;
    const config = this.deps.store.config.get(build.app);
    const settings = this.deps.buildSettings?.resolve(build.app, config);
    // BERTH_BUILD_ARGS (older) and docker-options build `--build-arg` (values from config).
    const buildArgs = { ...this.deps.releases.buildArgsOf(build.app), ...settings?.buildArgs };
    const built = await this.deps.builder.build(app, { snapshotPath: build.snapshotPath, tag, buildArgs, log: log.line, signal, config, settings });
    return this.deps.releases.fromBuild(build, built);
  }

  /** Two pushes raced: the later one built on a branch state that no longer exists. */
  private async assertNotSuperseded(job: BuildJob): Promise<void> {
    const now = await this.deps.repos.resolveRef(job.app, job.ref!);
    const expected = job.expectedOldSha && /^0+$/.test(job.expectedOldSha) ? null : job.expectedOldSha ?? null;
    if (now !== expected) {
      throw new BerthError('PUSH_SUPERSEDED', 'Another push updated the branch while this one waited: pull, then push again.');
    }
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
  }

  private async finish(build: BuildRecord, log: BuildLog, status: 'cancelled', message: string): Promise<void> {
    log.line(`!     ${message}`);
    this.deps.store.builds.finish(build.id, { status, error: message });
    this.deps.events.record({ app: build.app, kind: 'build.cancelled', message: `build ${build.id} cancelled`, user: build.user });
    await log.end(status);
  }
}
