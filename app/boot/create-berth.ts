import crypto from 'node:crypto';
import path from 'node:path';
import { containerLimits, type Config, type Paths } from '../config';
import type { Buildpack } from '../ports/buildpack';
import { openSqliteStore } from '../infra/sqlite';
import { createDockerEngine } from '../infra/docker';
import { parseSubnetPool } from '../infra/docker/subnet-pool';
import { checkAppTemplate, createNginxRouter, nginxAppLogReader, portInUse, repoTemplateReader } from '../infra/nginx';
import { createAcmeIssuer } from '../infra/acme';
import { createRedisInfra } from '../infra/redis';
import { createGitRepos } from '../infra/git';
import { AppSettings, AppsService } from '../apps';
import { ConfigVarsService } from '../config-vars';
import { EventsService } from '../events';
import { AccessService, LoginLimiter, UsersService } from '../users';
import { AppRuntime, Deployer } from '../deploys';
import { RegistryLogins } from '../registry-auth';
import { BuildRunner, BuildSettings, BuildsService, ImageBuilder, PushGate, PushReceiver, ReleaseMaker, RuntimeImageCache } from '../builds';
import { NpmVersions } from '../infra/npm';
import { ReleasesService } from '../releases';
import { SessionsService } from '../sessions';
import { LivenessMonitor, ProcessOperations, ProcessesService, Reconciler } from '../processes';
import { StatsSampler } from '../processes/stats-sampler';
import { StorageService } from '../storage';
import { LogArchive, LogsService } from '../logs';
import { DeployScripts, OneOffRunner, type OneOffRun } from '../one-off';
import { CronService } from '../cron';
import { createBullCronScheduler } from '../infra/redis';
import { DomainsService, RAW_TEMPLATE_KEY, RoutedRouter, RoutingService, storedRouteExtras } from '../domains';
import { CertFiles, CertsService, LetsencryptService } from '../certs';
import { HookedImageBuilder, hookedResources } from '../plugins';
import { SchedulersService, SchedulingDeployer, SwarmSetup, schedulerOperations } from '../schedulers';
import { createSwarmEngine } from '../infra/docker/swarm-engine';
import { createImageRegistry } from '../infra/registry';
import { createPluginsAndServices } from './services-boot';
import { secureHome } from './home-modes';

export interface BerthDeps {
  readonly config: Config;
  readonly paths: Paths;
  readonly buildpacks: readonly Buildpack[];
}

/** The one composition root: every service is built here, once, and handed what it needs. */
export function createBerth({ config, paths, buildpacks }: BerthDeps) {
  secureHome(config.home);
  const store = openSqliteStore(paths.db, { keyFile: `${config.home}/secret.key` });
  const engine = createDockerEngine({
    socketPath: config.dockerSocket, limits: containerLimits(config),
    appSubnets: config.appSubnets ? parseSubnetPool(config.appSubnets, 24) : null,
  });
  // Everyone routes through RoutedRouter: it adds the app's ports, nginx settings, certificate and template.
  const router = new RoutedRouter(createNginxRouter({
    dir: paths.nginx, nginxBin: config.nginxBin, httpPort: config.routerPort, httpsPort: config.routerHttpsPort, domain: config.domain,
  }), (app) => routeExtras(app));
  const redis = createRedisInfra({ url: config.redisUrl, prefix: config.redisPrefix });
  // The hook calls back into this web process; the secret proves the call came from our git.
  const hook = { url: `http://127.0.0.1:${config.port}/internal/git-hook`, secret: crypto.randomBytes(24).toString('hex') };
  const repos = createGitRepos({ reposDir: paths.repos, snapshotsDir: paths.snapshots, hook });
  const swarm = createSwarmEngine({ socketPath: config.dockerSocket, limits: containerLimits(config) });
  const logs = new LogsService({
    engine, scope: config.network, swarm, archive: new LogArchive({ dir: paths.appLogs, maxBytes: config.appLogMb * 1024 * 1024 }),
  });

  const events = new EventsService(store.events);
  // Plugins (plugins/*, $BERTH_HOME/plugins, BERTH_PLUGINS_PATH) and the service kit; links re-release through the build queue.
  const services = createPluginsAndServices({
    config, store, events, log: (l) => console.log(`berth: ${l}`),
    redeploy: async (app, reason, user) => (store.releases.current(app) ? (await releases.redeploy(app, reason, user)).build : null),
    swarm: () => ({ engine: swarm, registry: imageRegistry }),
  });
  const hooks = services.plugins.hooks;
  const users = new UsersService(store.users, store.access);
  const access = new AccessService({
    store: store.access, appExists: (app) => !!store.apps.get(app),
    endSessions: (userId) => store.sessions.removeForUser(userId),
    record: (e) => events.record({ ...e, kind: 'access.changed' }),
    appsOfService: (plugin, name) => store.services.linksOfService(plugin, name).map((l) => l.app),
  });
  // Dashboard logins, counted in Redis: at most 10 failures per user name and 30 per address in 15 minutes.
  const loginLimiter = new LoginLimiter({ counters: redis.counters, maxPerUser: 10, maxPerAddress: 30, windowSeconds: 15 * 60 });
  const sessions = new SessionsService({ sessions: store.sessions, users: store.users, ttlHours: config.sessionHours });
  const configVars = new ConfigVarsService({ store, events });
  const urlOf = (app: string) => `http://${app}.${config.domain}${config.routerPort === 80 ? '' : `:${config.routerPort}`}`;
  let apps!: AppsService;
  // Schedulers (docs/swarm.md): swarm apps run as swarm services whose images berth's own registry serves.
  const imageRegistry = createImageRegistry({
    dir: path.join(config.home, 'registry'), addr: config.registryAddr, port: config.registryPort, socketPath: config.dockerSocket,
    lock: redis.locks,
  });
  const deployer = new SchedulingDeployer({
    store, engine, router, network: config.network, retireWaitSeconds: config.retireWaitSeconds,
    stopTimeoutSeconds: config.stopTimeoutSeconds, maxRetiring: config.maxRetiring, events,
    domainsOf: (app) => apps.domainsOf(app),
    mountsOf: (app) => storage.mountsForStart(app),
    beforeRemove: (c) => logs.archiveContainer(c),
    extraEnv: (app) => services.envFor(app),
    services: services.linkedContainers,
  }, hooks, { defaultScheduler: config.scheduler, swarm: {
    swarm, registry: imageRegistry, router, network: config.network, beforeRemoveService: (s) => logs.archiveService(s),
  }, runOneOff: (o): Promise<number> => oneOff.run(o) });
  const oneOff = new OneOffRunner({
    store, engine, logs, envFor: (r) => deployer.envFor(r), network: config.network, appNetwork: (app) => deployer.prepareNetwork(app),
    mountsOf: (app) => storage.mountsForStart(app),
  });
  // Every one-off (run, cron, deploy scripts) goes through the app's scheduler, which hands it to `oneOff`.
  const oneOffs = { run: (o: OneOffRun) => deployer.for(o.app).run(o) };
  const cronScheduler = createBullCronScheduler({
    url: config.redisUrl, prefix: config.redisPrefix, onError: (e) => console.error(`berth: cron: ${e.message}`),
  });
  const cron = new CronService({ store, scheduler: cronScheduler, runner: oneOffs, log: (l) => console.log(`berth: ${l}`) });
  const builds = new BuildsService({ store, queue: redis.queue, logs: redis.logs, events, buildLogsDir: paths.buildLogs });
  const registryLogins = new RegistryLogins({ store, engine, events });
  const releaseMaker = new ReleaseMaker({
    store, engine, keepImages: config.keepImages, pruneRegistry: (app, keep) => deployer.swarm.pruneRegistry(app, keep),
    pull: (ref, log) => registryLogins.pull(ref, log),
  });
  const releases = new ReleasesService({ store, builds, events, configVars });
  const runtime = new AppRuntime({
    store, repos, router, engine, deployer,
    removeData: async (app, keep) => {
      const left = await storage.removeData(app, { keep });
      if (left.length > 0 && !keep) console.error(`berth: ${app} destroyed, but its volumes ${left.join(', ')} are in use and stay; \`docker volume rm\` them later`);
    },
    redeploy: async (app, reason) => { await releases.redeploy(app, reason, null); },
    forget: async (app) => {
      logs.forget(app);
      await cron.forget(app);
      // Its images in berth's registry too (after a rename the next deploy pushes under the new name).
      await deployer.swarm.pruneRegistry(app, []).catch((e: Error) => console.error(`berth: pruning ${app}'s registry images: ${e.message}`));
    },
  });
  apps = new AppsService({ store, events, resources: hookedResources(runtime, hooks), domain: config.domain, domainsOf: (app) => domains.domainsOf(app),
    vhostClash: (name) => domains.vhostClash(name),
  });
  // Router (domains, ports, nginx settings, certificates, ACME): a change re-applies the app's route.
  const reroute = async (app: string) => { if (store.releases.current(app)) await deployer.route(app); };
  const domains = new DomainsService({
    store, events, baseDomain: config.domain,
    reroute: async (app) => { await reroute(app); await hooks.run('domains:change', { app, domains: domains.domainsOf(app) }); },
  });
  const routing = new RoutingService({
    store, events, reroute, configOf: (app) => router.configOf(app), portInUse: (port) => portInUse(port), logOf: nginxAppLogReader(paths.nginx),
    reservedPorts: new Map<number, string>([
      [22, 'SSH port'], [config.port, 'API and dashboard port (BERTH_PORT)'], [config.sshPort, 'SSH port (BERTH_SSH_PORT)'],
      [config.registryPort, 'image registry port (BERTH_REGISTRY_PORT)'], [config.routerPort, 'router HTTP port (BERTH_ROUTER_PORT; map 80)'],
      [config.routerHttpsPort, 'router HTTPS port (BERTH_ROUTER_HTTPS_PORT; map 443)'],
    ].filter(([p]) => p !== 0) as [number, string][]),
  });
  const certs = new CertsService({ store, events, files: new CertFiles(paths.certs), reroute });
  const readTemplate = repoTemplateReader(paths.repos);
  const routeExtras = storedRouteExtras({
    store, tlsOf: (app) => certs.tlsOf(app),
    // The newest release is the one being deployed (its row exists before the deploy).
    templateOf: async (app) => { const sha = store.releases.list(app)[0]?.gitSha; return sha ? readTemplate(app, sha) : null; },
  });
  const letsencrypt = new LetsencryptService({
    store, certs, router, domainsOf: (app) => domains.domainsOf(app),
    issuer: createAcmeIssuer({ directoryUrl: config.acmeDirectory, dir: paths.acme }),
    defaultEmail: config.acmeEmail, renewDays: config.acmeRenewDays,
  });
  const processes = new ProcessesService({
    store, engine, deployer, builds, events, repos, snapshotsDir: paths.snapshots,
    maxDrainSeconds: { retireWait: config.maxRetireWaitSeconds, stopTimeout: config.maxStopTimeoutSeconds },
    swarmStatusOf: async (app) => (deployer.isSwarm(app) ? deployer.swarm.status(app, store.releases.current(app)) : null),
  });
  const storage = new StorageService({ store, events, storageDir: paths.storage, removeVolume: (v) => engine.removeVolume(v) });
  const reconciler = new Reconciler({ store, engine, router, locks: redis.locks, deployer, events, intervalSeconds: config.reconcileIntervalSeconds });
  const liveness = new LivenessMonitor({ store, engine, deployer, events });
  const buildSettings = new BuildSettings({ store, events });
  const runner = new BuildRunner({
    buildSettings,
    operations: schedulerOperations(new ProcessOperations({ store, deployer, events }), { deployer, store, events }),
    store, engine, repos, logs: redis.logs, events, releases: releaseMaker, deployer, urlOf,
    builder: new HookedImageBuilder({ engine, buildpacks, memoryMb: config.buildMemoryMb, registry: registryLogins, appExists: (name) => store.apps.get(name) !== null, admitPorts: (app, m) => routing.admitDetected(app, m), runtimes: new RuntimeImageCache({ engine, versions: new NpmVersions({ cacheDir: path.join(config.home, 'cache', 'npm') }), memoryMb: config.buildMemoryMb }) }, hooks),
    buildLogsDir: paths.buildLogs, timeoutSeconds: config.buildTimeoutSeconds,
    deployHooks: new DeployScripts({ runner: oneOffs, onLive: (r) => cron.activate(r) }),
    checkProxyTemplate: async (app, sha) => {
      const template = await readTemplate(app, sha);
      if (template !== null) checkAppTemplate(template, { app, raw: store.routerSettings.get(app)[RAW_TEMPLATE_KEY] === 'true' });
    },
  });
  const schedulers = new SchedulersService({
    store, events, swarm, nameFor: (app) => deployer.nameFor(app),
    statusOf: (app, release) => deployer.for(app).status(app, release),
    redeploy: (app, reason, user) => releases.redeploy(app, reason, user),
  });
  const swarmSetup = new SwarmSetup({ swarm, registry: imageRegistry, registryAddr: config.registryAddr, events });
  // The one gate of git over HTTP and SSH (app name, disk room, role, lock), then the hook's receiver (branch).
  const pushGate = new PushGate({
    repos, apps, access, autoCreateApps: config.autoCreateApps, hookSecret: hook.secret, receiver: new PushReceiver({ store, builds }),
  });
  const statsSampler = new StatsSampler({ engine, scope: config.network, intervalMs: config.statsIntervalSeconds * 1000 });
  const appSettings = new AppSettings({ store, events, buildpackNames: () => buildpacks.map((b) => b.name) });

  return {
    config, paths, store, engine, router, redis, repos, hook,
    events, users, access, loginLimiter, sessions, configVars, apps, appSettings, deployer, builds, releases, runner, pushGate, urlOf,
    processes, storage, reconciler, liveness, buildSettings, registryLogins, schedulers, swarmSetup, imageRegistry,
    logs, oneOff, cron,
    domains, routing, certs, letsencrypt,
    services, statsSampler,
    async close(): Promise<void> {
      await reconciler.stop();
      liveness.stop();
      await cronScheduler.close();
      await redis.close();
      store.close();
    },
  };
}

export type Berth = ReturnType<typeof createBerth>;
