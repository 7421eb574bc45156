import { BerthError } from '../errors';
import { composeImageOf, ownImageTypes } from '../compose';
import type { BuildJob } from '../ports/build-queue';
import type { ContainerEngine } from '../ports/container-engine';
import type { GitRepos } from '../ports/git-repos';
import type { AppRecord, BuildRecord, ReleaseRecord } from '../ports/store';
import type { AppsReader } from '../apps/apps-reader';
import type { ConfigReader } from '../config-vars/config-reader';
import { imageRepo, type ReleaseProducer as ProducerContract, type ReleaseRun } from '../deploys';
import type { BuildSettings } from './build-settings';
import type { BuiltSource, ImageBuilder } from './image-builder';
import type { ReleaseMaker } from './release-maker';

const BUILDS = new Set(['push', 'rebuild', 'archive', 'sync']);
/** Builds of a commit of the app's repo: its sha leads the build's source. */
const FROM_REPO = new Set(['push', 'rebuild', 'sync']);

/** The release pipeline's `build` and `release` steps: an image from the job's source, then release vN. */
export class ReleaseProducer implements ProducerContract<BuiltSource> {
  constructor(private readonly deps: {
    /** The app's record and config vars, through the apps and config-vars modules. */
    apps: AppsReader; config: ConfigReader;
    engine: ContainerEngine; repos: GitRepos; builder: ImageBuilder; releases: ReleaseMaker;
    /** Per-app Dockerfile settings and build docker-options; none: defaults. */
    buildSettings?: BuildSettings;
    /** Checks the app's own proxy template at this commit (infra/nginx checkAppTemplate); throws INVALID_NGINX_TEMPLATE. */
    checkProxyTemplate?: (app: string, sha: string) => Promise<void>;
  }) {}

  buildTag(build: BuildRecord, job: BuildJob): string | null {
    return BUILDS.has(job.kind) ? `${imageRepo(build.app)}:build-${build.id}` : null;
  }

  async build(run: ReleaseRun<BuiltSource>): Promise<BuiltSource> {
    const { build, job, log, signal } = run;
    const app = run.app ?? this.appOf(build);
    if (job.kind === 'push' && job.ref) await this.assertNotSuperseded(job);
    if (!build.snapshotPath) throw new BerthError('BUILD_FAILED', 'The build has no source snapshot.');
    const short = FROM_REPO.has(job.kind) ? build.source.slice(0, 7) : 'archive';
    // A refused nginx.conf.njk fails the push now, not after a build and a health check.
    if (FROM_REPO.has(job.kind) && this.deps.checkProxyTemplate) await this.deps.checkProxyTemplate(build.app, build.source.split(' ')[0]);
    log(`-----> Building ${build.app} (${short})`);
    const config = this.deps.config.values(build.app);
    const settings = this.deps.buildSettings?.resolve(build.app, config);
    // BERTH_BUILD_ARGS (older) and docker-options build `--build-arg` (values from config).
    const buildArgs = { ...this.deps.releases.buildArgsOf(build.app), ...settings?.buildArgs };
    const tag = this.buildTag(build, job)!;
    return this.deps.builder.build(app, { snapshotPath: build.snapshotPath, tag, buildArgs, log, signal: signal ?? new AbortController().signal, config, settings });
  }

  async dropBuild(built: BuiltSource): Promise<string> {
    for (const t of ownImageTypes(built.manifest.compose)) await this.deps.engine.removeImage(composeImageOf(built.image, t)).catch(() => undefined);
    if (!(await this.deps.engine.inspectImage(built.image))) return `image ${built.image} is gone already`;
    await this.deps.engine.removeImage(built.image);
    return `removed image ${built.image}`;
  }

  async release(run: ReleaseRun<BuiltSource>): Promise<ReleaseRecord> {
    const { build, job, log } = run;
    if (!run.app) this.appOf(build);
    if (run.built) return this.deps.releases.fromBuild(build, run.built, log);
    if (job.kind === 'config' || job.kind === 'rollback') return this.deps.releases.fromExisting(build, job.kind, job.whileCurrent);
    if (job.kind === 'image') return this.deps.releases.fromImage(build, log);
    throw new BerthError('BUILD_FAILED', `A ${job.kind} job makes no release.`);
  }

  async discard(release: ReleaseRecord): Promise<string> {
    return this.deps.releases.discard(release);
  }

  appOf(build: BuildRecord): AppRecord {
    const app = this.deps.apps.find(build.app);
    if (!app) throw new BerthError('APP_NOT_FOUND', `App "${build.app}" was destroyed.`);
    return app;
  }

  /** Two pushes raced: the later one built on a branch state that no longer exists. */
  private async assertNotSuperseded(job: BuildJob): Promise<void> {
    const now = await this.deps.repos.resolveRef(job.app, job.ref!);
    const expected = job.expectedOldSha && /^0+$/.test(job.expectedOldSha) ? null : job.expectedOldSha ?? null;
    if (now !== expected) {
      throw new BerthError('PUSH_SUPERSEDED', 'Another push updated the branch while this one waited: pull, then push again.');
    }
  }
}
