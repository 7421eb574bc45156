import { BerthError } from '../errors';
import type { Buildpack, RuntimeImages, SourceView } from '../ports/buildpack';
import type { ContainerEngine } from '../ports/container-engine';
import type { AppRecord } from '../ports/store';
import { detectPortMappings } from '../domains/port-mapping';
import { prepareDockerfile } from './dockerfile-prep';
import { checkDockerfileImages } from './image-guard';
import type { ResolvedBuildSettings } from './build-settings';
import { EMPTY_SOURCE_MANIFEST, parseAppJson, readSourceManifest, type AppManifest } from '../manifest';
import { detectBuilder } from './detect-builder';
import { buildContext, dockerfileContext, readSourceView } from './source-archive';
import { checkComposeContext, composeFileOf, composeManifest, composeProcesses } from './compose-build';
import { composeImageOf, type ComposePlan } from '../compose';

export interface BuiltSource {
  readonly image: string;
  readonly exposedPort: number | null;
  readonly processes: Readonly<Record<string, string>>;
  readonly appJson: string | null;
  /** app.json parsed: the one place it is parsed (stored with the release). */
  readonly manifest: AppManifest;
  /** Dockerfile builds: `http:p:p` per EXPOSEd TCP port (dokku's rule); null for other builders. */
  readonly detectedPorts: readonly string[] | null;
}

/** Turns a source snapshot into an image: Dockerfile if present, else a buildpack's generated one. */
export class ImageBuilder {
  constructor(private readonly deps: {
    engine: ContainerEngine; buildpacks: readonly Buildpack[]; memoryMb: number; runtimes: RuntimeImages;
    /** registry:login pulls for FROM images from private registries (BuildKit gets no credentials through the API). */
    registry?: { hasLoginFor(ref: string): boolean; pull(ref: string, log: (l: string) => void): Promise<void>; checkServer?(ref: string): Promise<void> };
    /** Whether an app of that name exists: a Dockerfile naming another app's image is refused (image-guard.ts). */
    appExists?: (name: string) => boolean;
    /** The app's storage folder: a compose file's absolute bind sources must name a folder in it. */
    storageRootOf?: (app: string) => string;
    /** Which EXPOSE mappings the app may take (the ports:add checks); none: all. */
    admitPorts?: (app: string, mappings: readonly string[]) => Promise<{ kept: string[]; refused: { mapping: string; why: string }[] }>;
    /** A builder contributed from outside the core (plugins' `build:detect`); none: the core's only. */
    extraBuilder?: (app: string, source: SourceView) => Promise<{ name: string; dockerfile: string; by: string } | null>;
  }) {}

  async build(app: AppRecord, options: {
    snapshotPath: string; tag: string; buildArgs: Record<string, string>; log: (l: string) => void; signal: AbortSignal;
    /** The app's config vars, for buildpack switches such as DISABLE_COLLECTSTATIC. */
    config?: Readonly<Record<string, string>>;
    /** builder-dockerfile settings (Dockerfile path, build dir, BuildKit); default: ./Dockerfile, BuildKit. */
    settings?: Pick<ResolvedBuildSettings, 'dockerfilePath' | 'buildDir' | 'buildkit'>;
    /** The build of a compose file's `build:` (compose-build.ts): the file is not looked for again. */
    composeInner?: boolean;
  }): Promise<BuiltSource> {
    const settings = options.settings ?? { dockerfilePath: 'Dockerfile', buildDir: null, buildkit: true };
    const root = settings.buildDir;
    const view = await readSourceView(options.snapshotPath, root);
    if (root && view.files().length === 0) {
      throw new BerthError('BUILD_FAILED', `build-dir "${root}" has no files at this commit; fix it with \`berth builder-dockerfile:set ${app.name} build-dir <path>\`.`);
    }
    // A Dockerfile at another path (dockerfile-path) counts as "the repo has a Dockerfile".
    const customPath = settings.dockerfilePath !== 'Dockerfile' && view.has(settings.dockerfilePath);
    const source = customPath ? { ...view, has: (p: string) => p === 'Dockerfile' || view.has(p) } : view;
    const composeFile = options.composeInner ? null : composeFileOf(app, source);
    if (composeFile) return this.buildCompose(app, composeFile, source, options, settings);
    // Read once, before the build, so a typo in app.json or the Procfile fails in seconds, not after
    // docker build. A compose file's inner build reads neither: the compose build read the app's own.
    const { processes, appJson, manifest } = options.composeInner ? EMPTY_SOURCE_MANIFEST : readSourceManifest((p) => source.read(p));
    // A Dockerfile in the repo, or a builder the app is set to, wins over builders from plugins.
    const pinned = app.builder === 'dockerfile' || app.buildpack !== null || (app.builder !== 'buildpack' && source.has('Dockerfile'));
    const custom = pinned ? null : await this.deps.extraBuilder?.(app.name, source) ?? null;
    const choice = custom ? null : detectBuilder(source, this.deps.buildpacks, { builder: app.builder, buildpack: app.buildpack });
    let extra: Record<string, string> | undefined;
    let dockerfile = 'Dockerfile';
    let buildpackMounts = false;
    if (custom) {
      options.log(`-----> Building with the ${custom.name} builder (${custom.by})`);
      dockerfile = '.berth/Dockerfile';
      extra = { [dockerfile]: custom.dockerfile };
      await this.guardImages(custom.dockerfile, app, options.buildArgs);
    } else if (choice!.kind === 'dockerfile') {
      if (customPath) dockerfile = settings.dockerfilePath;
      options.log(`-----> Building with the Dockerfile${customPath ? ` ${dockerfile}` : ''}${root ? ` in ${root}/` : ''} (${settings.buildkit ? 'BuildKit' : 'legacy builder'})`);
      const text = view.read(dockerfile);
      if (text !== null) await this.guardImages(text, app, options.buildArgs);
      if (text !== null) await this.pullBaseImages(text, options.log);
      if (settings.buildkit && text !== null) {
        const prepared = prepareDockerfile(text, app.id);
        for (const note of prepared.notes) options.log(`       ${note}`);
        if (prepared.text !== text) extra = { [dockerfile]: prepared.text };
      }
    } else if (choice!.kind === 'buildpack') {
      options.log(`-----> Building with the ${choice!.buildpack.name} buildpack`);
      dockerfile = '.berth/Dockerfile';
      const generated = await choice!.buildpack.dockerfile(source, { log: options.log, runtimes: this.deps.runtimes, config: options.config ?? {}, cacheMounts: true });
      await this.guardImages(generated, app, options.buildArgs);
      // A generated cache mount is scoped to this app like a Dockerfile's; only then is BuildKit needed.
      const prepared = prepareDockerfile(generated, app.id);
      buildpackMounts = prepared.text !== generated;
      extra = { [dockerfile]: prepared.text };
    }
    const buildkit = (choice?.kind === 'dockerfile' && settings.buildkit) || buildpackMounts;
    // BUILDKIT_SYNTAX picks the frontend image as `# syntax=` does (see dockerfile-prep.ts).
    const frontendArg = Object.keys(options.buildArgs).find((k) => k.toUpperCase() === 'BUILDKIT_SYNTAX');
    if (buildkit && frontendArg) throw new BerthError('BUILD_FAILED', `The build arg ${frontendArg} picks a BuildKit frontend image; berth builds with the engine's own frontend only: remove it from docker-options or BERTH_BUILD_ARGS.`);
    const context = buildContext(options.snapshotPath, { dockerignore: source.read('.dockerignore'), extra, root });
    const built = await this.deps.engine.buildImage({
      tag: options.tag,
      context,
      dockerfile,
      buildArgs: options.buildArgs,
      buildkit,
      // No image labels: a LABEL adds a build step to every build, and images are found by name.
      memoryMb: this.deps.memoryMb,
      onLog: (l) => options.log(`       ${l}`),
      signal: options.signal,
    });
    if (!options.composeInner && !processes.web && !(await this.hasCommand(options.tag)) && Object.keys(processes).length === 0) {
      throw new BerthError('BUILD_FAILED', 'The image has no CMD and the repo has no Procfile: add a `web:` line to a Procfile or a CMD to the Dockerfile.');
    }
    return {
      image: options.tag,
      exposedPort: built.exposedPort,
      processes: Object.keys(processes).length > 0 ? processes : { web: '' },
      appJson,
      manifest,
      detectedPorts: choice?.kind === 'dockerfile' ? await this.detectPorts(app.name, built.exposedPorts, options.log) : null,
    };
  }

  /** Every image the Dockerfile reads is this app's or from outside berth (before anything is pulled or built). */
  private async guardImages(text: string, app: AppRecord, buildArgs: Readonly<Record<string, string>>): Promise<void> {
    const registry = this.deps.registry;
    await checkDockerfileImages(text, app.name, buildArgs, {
      engine: this.deps.engine,
      appExists: this.deps.appExists ?? (() => false),
      checkRegistry: registry?.checkServer ? (ref) => registry.checkServer!(ref) : undefined,
    });
  }

  /**
   * A compose file: its services become the release's process types (docs/compose.md). Each
   * distinct `build:` goes through this same builder (Dockerfile or buildpacks) in its context
   * folder, in this one build job: the release's build (the web service's, else the first) gets the
   * build's tag, the others `<tag>-<type>` (composeImageOf). A file where no service builds gets an
   * image of its own (composeMarker). A failure removes the images this build made.
   */
  private async buildCompose(app: AppRecord, file: string, source: SourceView, options: Parameters<ImageBuilder['build']>[1],
    settings: Pick<ResolvedBuildSettings, 'dockerfilePath' | 'buildDir' | 'buildkit'>): Promise<BuiltSource> {
    const appJson = source.read('app.json');
    const { plan, manifest } = composeManifest(file, source, parseAppJson(appJson), options.log, this.deps.storageRootOf?.(app.name) ?? null, options.config ?? {});
    const builds = plan.builds ?? (plan.build ? [{ build: plan.build, types: plan.order.filter((t) => !plan.services[t].image) }] : []);
    // Every context is checked before anything is built.
    for (const { build } of builds) checkComposeContext(file, build, source);
    const { engine } = this.deps;
    const made: string[] = [];
    try {
      if (builds.length === 0) {
        await this.composeMarker(app, plan, options);
        made.push(options.tag);
      }
      for (const [i, { build, types }] of builds.entries()) {
        const tag = i === 0 ? options.tag : composeImageOf(options.tag, types[0]);
        if (builds.length > 1) options.log(`-----> Building ${types.join(', ')} from ${build.context || '.'}/${build.dockerfile}${i === 0 ? ' (the release\'s image)' : ''}`);
        await this.build(app, {
          ...options, tag, composeInner: true, buildArgs: { ...options.buildArgs, ...build.args },
          settings: { dockerfilePath: build.dockerfile, buildDir: [settings.buildDir, build.context].filter(Boolean).join('/') || null, buildkit: settings.buildkit },
        });
        made.push(tag);
        if (i === 0) continue;
        const colon = options.tag.lastIndexOf(':');
        for (const t of types.slice(1)) {
          await engine.tagImage(tag, options.tag.slice(0, colon), `${options.tag.slice(colon + 1)}-${t}`);
          made.push(composeImageOf(options.tag, t));
        }
      }
    } catch (e) {
      for (const image of made) await engine.removeImage(image).catch(() => undefined);
      throw e;
    }
    const web = plan.services.web;
    const webImage = web?.image ?? (web?.ownImage ? composeImageOf(options.tag, 'web') : options.tag);
    const exposedPort = plan.webPort ?? (await engine.inspectImage(webImage))?.exposedPort ?? null;
    return { image: options.tag, exposedPort, processes: composeProcesses(plan), appJson, manifest, detectedPorts: null };
  }

  /**
   * No service builds: the release's image is the web service's (else the first service's) image
   * with a label naming this app, a new image id, so the shared local image (berth/service-redis…)
   * never becomes this app's by a tag (image-guard's owner check would then refuse it to others).
   */
  private async composeMarker(app: AppRecord, plan: ComposePlan, options: Parameters<ImageBuilder['build']>[1]): Promise<void> {
    const first = plan.services.web ?? plan.services[plan.order.find((t) => !plan.services[t].oneShot) ?? plan.order[0]];
    const base = first.image!;
    if (!(await this.deps.engine.inspectImage(base))) {
      if (this.deps.registry?.hasLoginFor(base)) await this.deps.registry.pull(base, options.log);
      else throw new BerthError('INVALID_IMAGE', `service ${first.name}'s image "${base}" is not on this host: build it or \`docker load\` it first (no registry is reachable).`);
    }
    const text = `FROM ${base}\nLABEL berth.compose-app="${app.id}"\n`;
    await this.guardImages(text, app, {});
    options.log(`-----> No service builds: the release's image is ${base}, labelled as ${app.name}'s`);
    await this.deps.engine.buildImage({
      tag: options.tag, context: dockerfileContext(text), dockerfile: 'Dockerfile', buildArgs: {}, buildkit: true,
      memoryMb: this.deps.memoryMb, onLog: (l) => options.log(`       ${l}`), signal: options.signal,
    });
  }

  /**
   * FROM images of a registry berth has a login for, missing here, are pulled with it first: the
   * build then finds them on the host (neither builder gets the credentials through the API).
   */
  private async pullBaseImages(dockerfile: string, log: (l: string) => void): Promise<void> {
    const registry = this.deps.registry;
    if (!registry) return;
    const stages = new Set<string>();
    for (const m of dockerfile.matchAll(/^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/gim)) {
      const ref = m[1];
      const earlierStage = stages.has(ref.toLowerCase());
      if (m[2]) stages.add(m[2].toLowerCase());
      if (ref === 'scratch' || ref.includes('$') || earlierStage) continue;
      if (registry.hasLoginFor(ref) && !(await this.deps.engine.inspectImage(ref))) await registry.pull(ref, log);
    }
  }

  /** dokku's rule: the Dockerfile's EXPOSEd TCP ports are routed on the same host ports (unless the app sets its own). */
  private async detectPorts(app: string, exposed: readonly string[], log: (l: string) => void): Promise<string[]> {
    const detected = detectPortMappings(exposed);
    const admitted = this.deps.admitPorts ? await this.deps.admitPorts(app, detected.mappings) : { kept: detected.mappings, refused: [] };
    for (const r of admitted.refused) log(`       EXPOSE ${r.mapping.split(':')[1]}/tcp is not routed: ${r.why}`);
    const { skipped } = detected;
    const mappings = admitted.kept;
    if (mappings.length) log(`-----> Ports from EXPOSE: ${mappings.join(' ')} (used while the app sets none with ports:set)`);
    for (const p of skipped) log(`       EXPOSE ${p} is not routed: berth's router proxies HTTP${p.startsWith('443/') ? ' (443 needs a certificate: ports:add https:443:<port>)' : ''}`);
    return mappings;
  }

  private async hasCommand(image: string): Promise<boolean> {
    return (await this.deps.engine.inspectImage(image))?.hasCommand ?? false;
  }
}
