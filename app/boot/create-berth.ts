import crypto from 'node:crypto';
import type { Config, Paths } from '../config';
import type { Buildpack } from '../ports/buildpack';
import { openSqliteStore } from '../infra/sqlite';
import { createDockerEngine } from '../infra/docker';
import { createNginxRouter } from '../infra/nginx';
import { createRedisInfra } from '../infra/redis';
import { createGitRepos } from '../infra/git';
import { AppsService } from '../apps';
import { ConfigVarsService } from '../config-vars';
import { EventsService } from '../events';
import { UsersService } from '../users';
import { AppRuntime, Deployer } from '../deploys';
import { BuildRunner, BuildsService, ImageBuilder, PushReceiver, ReleaseMaker } from '../builds';
import { ReleasesService } from '../releases';

export interface BerthDeps {
  readonly config: Config;
  readonly paths: Paths;
  readonly buildpacks: readonly Buildpack[];
}

/** The one composition root: every service is built here, once, and handed what it needs. */
export function createBerth({ config, paths, buildpacks }: BerthDeps) {
  const store = openSqliteStore(paths.db);
  const engine = createDockerEngine({ socketPath: config.dockerSocket });
  const router = createNginxRouter({
    dir: paths.nginx, nginxBin: config.nginxBin, httpPort: config.routerPort, httpsPort: config.routerHttpsPort, domain: config.domain,
  });
  const redis = createRedisInfra({ url: config.redisUrl, prefix: config.redisPrefix });
  // The hook calls back into this web process; the secret proves the call came from our git.
  const hook = { url: `http://127.0.0.1:${config.port}/internal/git-hook`, secret: crypto.randomBytes(24).toString('hex') };
  const repos = createGitRepos({ reposDir: paths.repos, snapshotsDir: paths.snapshots, hook });

  const events = new EventsService(store.events);
  const users = new UsersService(store.users);
  const configVars = new ConfigVarsService({ store, events });
  const urlOf = (app: string) => `http://${app}.${config.domain}${config.routerPort === 80 ? '' : `:${config.routerPort}`}`;
  let apps!: AppsService;
  const deployer = new Deployer({
    store, engine, router, network: config.network, retireWaitSeconds: config.retireWaitSeconds,
    domainsOf: (app) => apps.domainsOf(app),
  });
  const builds = new BuildsService({ store, queue: redis.queue, logs: redis.logs, events, buildLogsDir: paths.buildLogs });
  const releaseMaker = new ReleaseMaker({ store, engine, keepImages: config.keepImages });
  const releases = new ReleasesService({ store, builds, events });
  const runtime = new AppRuntime({
    store, repos, router, engine, deployer,
    redeploy: async (app, reason) => { await releases.redeploy(app, reason, null); },
  });
  apps = new AppsService({ store, events, resources: runtime, domain: config.domain });
  const runner = new BuildRunner({
    store, engine, repos, logs: redis.logs, events, releases: releaseMaker, deployer, urlOf,
    builder: new ImageBuilder({ engine, buildpacks, memoryMb: config.buildMemoryMb }),
    buildLogsDir: paths.buildLogs, timeoutSeconds: config.buildTimeoutSeconds,
  });
  const pushes = new PushReceiver({ store, builds });

  return {
    config, paths, store, engine, router, redis, repos, hook,
    events, users, configVars, apps, deployer, builds, releases, runner, pushes, urlOf,
    async close(): Promise<void> {
      await redis.close();
      store.close();
    },
  };
}

export type Berth = ReturnType<typeof createBerth>;
