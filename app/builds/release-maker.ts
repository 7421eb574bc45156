import { BerthError } from '../errors';
import type { ContainerEngine, ImageInfo } from '../ports/container-engine';
import { composeImageOf, composeImages, ownImageTypes } from '../compose';
import type { BuildRecord, ReleaseRecord } from '../ports/store';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesWriter } from '../releases/releases-reader';
import type { ConfigReader } from '../config-vars/config-reader';
import { imageRepo } from '../deploys';
import type { BuiltSource } from './image-builder';
import { otherAppOfName, otherAppOwning } from './image-guard';
import { EMPTY_MANIFEST, type AppManifest } from '../manifest';
import { parseRollbackSource } from '../naming';

const DEFAULT_PORT = 5000;

/** Makes release vN from a build, an image, or an earlier release; prunes old release images. */
export class ReleaseMaker {
  constructor(private readonly deps: {
    /** Releases are the releases module's rows, written through it; apps (image owners) and config vars through theirs. */
    releases: ReleasesWriter; apps: AppsReader; config: ConfigReader;
    engine: ContainerEngine; keepImages: number;
    /** Prunes the app's images elsewhere too (berth's registry): every tag but the kept ones (`vN`) goes. */
    pruneRegistry?: (app: string, keepTags: readonly string[]) => Promise<unknown>;
    /** Pulls an image that is not on this host (registry:login credentials); none: no pulls. */
    pull?: (ref: string, log: (l: string) => void) => Promise<void>;
  }) {}

  async fromBuild(build: BuildRecord, built: BuiltSource, log: (l: string) => void = () => undefined): Promise<ReleaseRecord> {
    // A compose file's `image:` services run local images only, never another app's (as apps:deploy-image).
    for (const { service, image } of built.manifest.compose ? composeImages(built.manifest.compose) : []) {
      await this.usableImage(build.app, image, log, `service ${service}'s image`);
    }
    return this.create(build, {
      sourceImage: built.image,
      gitSha: build.kind === 'push' || build.kind === 'rebuild' || build.kind === 'sync' ? build.source.split(' ')[0] : null,
      processes: built.processes,
      port: built.exposedPort ?? DEFAULT_PORT,
      appJson: built.appJson,
      manifest: built.manifest,
      detectedPorts: built.detectedPorts,
      description: build.kind === 'push' || build.kind === 'rebuild' ? `${build.kind} ${build.source.slice(0, 7)}` : build.kind === 'sync' ? syncDescription(build.source) : 'archive deploy',
    });
  }

  async fromImage(build: BuildRecord, log: (l: string) => void): Promise<ReleaseRecord> {
    const info = await this.usableImage(build.app, build.source, log, 'Image');
    if (!info.hasCommand) throw new BerthError('INVALID_IMAGE', `Image "${build.source}" has no CMD or ENTRYPOINT to run.`);
    log(`-----> Deploying image ${build.source}`);
    return this.create(build, {
      sourceImage: build.source, gitSha: null, processes: { web: '' },
      port: info.exposedPort ?? DEFAULT_PORT, appJson: null, manifest: EMPTY_MANIFEST, description: `image ${build.source}`,
    });
  }

  /** A config change re-releases the current image; a rollback re-releases an old one with its config. */
  async fromExisting(build: BuildRecord, kind: 'config' | 'rollback', whileCurrent?: number): Promise<ReleaseRecord> {
    const { releases } = this.deps;
    // The deploy watch's rollback is for one release: a deploy that went live meanwhile is not rolled back.
    const live = releases.current(build.app)?.version;
    if (kind === 'rollback' && whileCurrent !== undefined && live !== whileCurrent) {
      throw new BerthError('ROLLBACK_SUPERSEDED', `The automatic rollback was for v${whileCurrent}, but ${live ? `v${live}` : 'no release'} is live now; nothing was rolled back.`);
    }
    if (kind === 'config') {
      const current = releases.current(build.app);
      if (!current) throw new BerthError('NO_RELEASE');
      return this.create(build, { ...current, sourceImage: current.image, description: build.source || 'config change' });
    }
    const { version } = parseRollbackSource(build.source);
    const target = releases.get(build.app, version);
    if (!target) throw new BerthError('RELEASE_NOT_FOUND', `${build.app} has no release v${version}; \`berth releases ${build.app}\` lists them.`);
    const images = [target.image, ...ownImageTypes(target.manifest?.compose).map((t) => composeImageOf(target.image, t))];
    if ((await Promise.all(images.map((i) => this.deps.engine.inspectImage(i)))).some((i) => !i)) {
      throw new BerthError('RELEASE_NOT_FOUND', `The image of v${version} was pruned (BERTH_KEEP_IMAGES); roll back to a newer release.`);
    }
    return this.create(build, { ...target, sourceImage: target.image, description: `rollback to v${version}` }, target.config);
  }

  /** An image on this host (pulled with a registry:login when one applies) that is not another app's. */
  private async usableImage(app: string, ref: string, log: (l: string) => void, what: string): Promise<ImageInfo> {
    let info = await this.deps.engine.inspectImage(ref);
    if (!info && this.deps.pull) {
      await this.deps.pull(ref, log);
      info = await this.deps.engine.inspectImage(ref);
    }
    if (!info) {
      throw new BerthError('INVALID_IMAGE', `${what} "${ref}" is not on this host: build it or \`docker load\` it first (no registry is reachable).`);
    }
    // Another app's image (by any of its names or its id) would hand this app's users that app's
    // code and whatever its build baked in: docs/security.md.
    // The name asked for first: another app's name is refused whatever else the image is called.
    const exists = (a: string) => !!this.deps.apps.find(a);
    const owner = otherAppOfName(ref, app, exists) ?? otherAppOwning([...(info.tags ?? []), ...(info.repoDigests ?? [])], app, exists);
    if (owner) throw new BerthError('INVALID_IMAGE', `${what} "${ref}" is app ${owner}'s; an app deploys its own builds or images from outside berth.`);
    return info;
  }

  /** The undo of a release that never went live: its record and its `vN` tag go (the image too when no other tag holds it). */
  async discard(release: ReleaseRecord): Promise<string> {
    this.deps.releases.remove(release.app, release.version);
    if (!release.image.startsWith(`${imageRepo(release.app)}:`)) return `deleted release v${release.version}`;
    await this.deps.engine.removeImage(release.image);
    for (const t of ownImageTypes(release.manifest?.compose)) await this.deps.engine.removeImage(composeImageOf(release.image, t)).catch(() => undefined);
    return `deleted release v${release.version} and its image tag ${release.image}`;
  }

  /** Config vars named in BERTH_BUILD_ARGS (comma-separated) are passed to docker build. */
  buildArgsOf(app: string): Record<string, string> {
    const config = this.deps.config.values(app);
    const names = (config.BERTH_BUILD_ARGS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    return Object.fromEntries(names.filter((n) => n in config).map((n) => [n, config[n]]));
  }

  async pruneImages(app: string): Promise<void> {
    const { engine, keepImages } = this.deps;
    const current = this.deps.releases.current(app)?.version;
    const releases = this.deps.releases.list(app);
    const keep = new Set(releases.slice(0, keepImages).map((r) => r.image));
    try {
      for (const r of releases.slice(keepImages)) {
        if (r.version !== current && !keep.has(r.image) && r.image.startsWith(`${imageRepo(app)}:`)) {
          await engine.removeImage(r.image);
          // A compose release's services built from their own `build:` (compose-runtime composeImageOf).
          for (const t of ownImageTypes(r.manifest?.compose)) await engine.removeImage(composeImageOf(r.image, t)).catch(() => undefined);
        }
      }
    } finally {
      const kept = releases.filter((r, i) => i < keepImages || r.version === current).map((r) => `v${r.version}`);
      await this.deps.pruneRegistry?.(app, kept);
    }
  }

  private async create(build: BuildRecord,
    r: { sourceImage: string; gitSha: string | null; processes: Readonly<Record<string, string>>; port: number; appJson?: string | null; manifest: AppManifest; detectedPorts?: readonly string[] | null; description: string },
    config?: Readonly<Record<string, string>>): Promise<ReleaseRecord> {
    const { releases, engine } = this.deps;
    // The app's turn in the queue is ours, so nobody else can take this version number meanwhile.
    const next = (releases.list(build.app)[0]?.version ?? 0) + 1;
    await engine.tagImage(r.sourceImage, imageRepo(build.app), `v${next}`);
    const fromBuild = r.sourceImage.startsWith(`${imageRepo(build.app)}:build-`);
    // A compose file's services with their own build: each gets `v<N>-<type>` beside the release's tag.
    for (const t of ownImageTypes(r.manifest.compose)) {
      await engine.tagImage(composeImageOf(r.sourceImage, t), imageRepo(build.app), `v${next}-${t}`);
      if (fromBuild) await engine.removeImage(composeImageOf(r.sourceImage, t)).catch(() => undefined);
    }
    if (fromBuild) await engine.removeImage(r.sourceImage).catch(() => undefined);
    return releases.create({
      app: build.app, image: `${imageRepo(build.app)}:v${next}`, gitSha: r.gitSha,
      config: config ?? this.deps.config.values(build.app), processes: r.processes, port: r.port, appJson: r.appJson ?? null, manifest: r.manifest, detectedPorts: r.detectedPorts ?? null,
      description: r.description, user: build.user,
    });
  }
}

/** `sync <sha7> from <repository>`: a synced release says where its code came from. */
function syncDescription(source: string): string {
  const [sha, repository = ''] = source.split(' ');
  return `sync ${sha.slice(0, 7)} from ${repository}`.trim();
}
