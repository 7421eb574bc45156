/**
 * The core's services with the plugin hooks around them. create-berth.ts builds these instead
 * of the plain ones, so that the deploy and build code need not know plugins exist.
 */
import type { AppResources } from '../apps';
import { ImageBuilder } from '../builds';
import { Deployer } from '../deploys';
import type { SourceView } from '../ports/buildpack';
import type { HookRegistry } from './hooks';

type DeployArgs = Parameters<Deployer['deploy']>;
type BuildArgs = Parameters<ImageBuilder['build']>;

/** Runs `deploy:before` (a throw stops the deploy, the old release keeps serving) and `deploy:after`. */
export class HookedDeployer extends Deployer {
  constructor(deps: ConstructorParameters<typeof Deployer>[0], private readonly hooks: HookRegistry) {
    super(deps);
  }

  override async deploy(...[release, log, options]: DeployArgs): Promise<void> {
    await this.hooks.run('deploy:before', { app: release.app, release, log });
    await super.deploy(release, log, options);
    await this.hooks.run('deploy:after', { app: release.app, release, log });
  }
}

/** Runs `build:before` and `build:after` around the image build, and asks `build:detect` for a builder. */
export class HookedImageBuilder extends ImageBuilder {
  constructor(deps: ConstructorParameters<typeof ImageBuilder>[0], private readonly hooks: HookRegistry) {
    super(deps);
  }

  override async build(...[app, options]: BuildArgs): ReturnType<ImageBuilder['build']> {
    await this.hooks.run('build:before', { app: app.name, tag: options.tag, log: options.log });
    const built = await super.build(app, options);
    await this.hooks.run('build:after', { app: app.name, tag: options.tag, image: built.image, log: options.log });
    return built;
  }

  protected override async extraBuilder(app: string, source: SourceView) {
    const found = await this.hooks.detect({ app, source });
    return found ? { ...found.builder, by: `plugin ${found.plugin}` } : null;
  }
}

/** `app:create` after the app's resources exist; `app:destroy` before they are removed. */
export function hookedResources(inner: AppResources, hooks: HookRegistry): AppResources {
  return {
    async created(app) {
      await inner.created(app);
      await hooks.run('app:create', { app });
    },
    renamed: (from, to) => inner.renamed(from, to),
    async destroyed(app, o) {
      await hooks.run('app:destroy', { app });
      await inner.destroyed(app, o);
    },
  };
}
