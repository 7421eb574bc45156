import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { containerLimits, type Config, type Paths } from '../config';
import type { Buildpack } from '../ports/buildpack';
import { openSqliteStore } from '../infra/sqlite';
import { createDockerEngine } from '../infra/docker';
import { createDockerClient } from '../infra/docker/docker-client';
import { parseSubnetPool } from '../infra/docker/subnet-pool';
import { checkAppTemplate, createNginxRouter, nginxAppLogReader, nginxRequestLog, portInUse, repoTemplateReader } from '../infra/nginx';
import { createAcmeIssuer } from '../infra/acme';
import { createRedisInfra } from '../infra/redis';
import { createGitRepos, createRemoteGit } from '../infra/git';
import { GitSync, Webhooks } from '../forge';
import { createNotificationSenders } from '../infra/notify';
import { NotificationsService, refusedAddress, type NotificationEvent } from '../notifications';
import { notificationRules, resolveHost } from './notification-rules';
import { AppSettings, AppsService } from '../apps';
import { ConfigVarsService } from '../config-vars';
import { EventsService } from '../events';
import { AccessService, LoginLimiter, UsersService } from '../users';
import { AppRuntime, ChecksSettings, Deployer, ReleasePipeline, SchedulerRegistry } from '../deploys';
import { RegistryLogins, isOwnAddress } from '../registry-auth';
import { BuildRunner, BuildSettings, BuildsService, ImageBuilder, PushGate, PushReceiver, ReleaseMaker, ReleaseProducer, RuntimeImageCache, readSourceView } from '../builds';
import { ReviewApps, withReviewApps } from '../review-apps';
import { NpmVersions } from '../infra/npm';
import { ReleasesService } from '../releases';
import { SessionsService } from '../sessions';
import { LivenessMonitor, ProcessOperations, ProcessStates, ProcessesService, Reconciler } from '../processes';
import { StatsSampler } from '../processes/stats-sampler';
import { MetricsCollector, MetricsService } from '../metrics';
import { StorageService } from '../storage';
import { appDiskReport, Housekeeping } from '../disk';
import { LogArchive, LogsService } from '../logs';
import { logDrainsOf } from './log-drains-boot';
import { createDiskEngine } from '../infra/docker/disk-engine';
import { deployWatchOf } from './deploy-watch-boot';
import { DeployScripts, OneOffRunner, type OneOffRun } from '../one-off';
import { CronService } from '../cron';
import { DomainsService, PublishingRouter, RAW_TEMPLATE_KEY, RoutedRouter, RoutingService, routersOf, storedRouteExtras } from '../domains';
import { CertFiles, CertsService, LetsencryptService } from '../certs';
import { OwnAddress } from '../own-address';
import { hookedResources } from '../plugins';
import { DockerLocalScheduler, SchedulersService, SwarmScheduler, SwarmSetup } from '../schedulers';
import { routerFleetOf, swarmNodesOf } from './swarm-nodes-boot';
import { createSwarmEngine } from '../infra/docker/swarm-engine';
import { createImageRegistry } from '../infra/registry';
import { createPluginsAndServices } from './services-boot';
import { BERTH_SELF, BerthBackup, BerthBackups, checkBerthArchive, redeployImageApp, ServiceBackups } from '../backups';
import { berthVersion } from '../version';
import { s3Objects } from '../infra/s3';
import { secureHome } from './home-modes';
import { createSnapshots, snapshotsDir } from './snapshots-boot';
import { tablesOf } from './store-tables';
import type { AppsReader } from '../apps';
import type { ReleasesReader, ReleasesWriter } from '../releases';

export interface BerthDeps {
  readonly config: Config;
  readonly paths: Paths;
  readonly buildpacks: readonly Buildpack[];
}

/** The one composition root: every service is built here, once, and handed what it needs. */
export function createBerth({ config, paths, buildpacks }: BerthDeps) {
  secureHome(config.home);
  const store = openSqliteStore(paths.db, { keyFile: `${config.home}/secret.key` });
  // One dockerode client and one Redis connection set for the process, handed to every adapter.
  const docker = createDockerClient(config.dockerSocket);
  const engine = createDockerEngine({
    docker, limits: containerLimits(config),
    appSubnets: config.appSubnets ? parseSubnetPool(config.appSubnets, 24) : null,
  });
  // Everyone routes through RoutedRouter: it adds the app's ports, nginx settings, certificate and template;
  // with BERTH_ROUTER_FEED, each route nginx took is published for the router agents on the other managers.
  const nginx = createNginxRouter({
    dir: paths.nginx, nginxBin: config.nginxBin, httpPort: config.routerPort, httpsPort: config.routerHttpsPort, domain: config.domain });
  const redis = createRedisInfra({
    url: config.redisUrl, prefix: config.redisPrefix, notifications: { attempts: config.notifyAttempts, backoffMs: config.notifyBackoffMs },
  });
  const router = new RoutedRouter(config.routerFeed ? new PublishingRouter(nginx, redis.routeFeed, (e) => console.error(`berth: route feed: ${(e as Error).message}`)) : nginx, (app) => routeExtras(app));
  // The hook calls back into this web process; the secret proves the call came from our git.
  const hook = { url: `http://127.0.0.1:${config.port}/internal/git-hook`, secret: crypto.randomBytes(24).toString('hex') };
  const repos = createGitRepos({ reposDir: paths.repos, snapshotsDir: paths.snapshots, hook });
  // git:sync and forge webhooks fetch with simple-git; the forges' SSH host keys are kept beside the repos.
  const remoteGit = createRemoteGit({ reposDir: paths.repos, stateDir: path.join(config.home, 'forge') });
  // Swarm services pull release images from berth's registry with its login (created below).
  const swarm = createSwarmEngine({ docker, limits: containerLimits(config), authFor: (image) => imageRegistry.authFor(image) });
  const logs = new LogsService({
    engine, scope: config.network, swarm, archive: new LogArchive({ dir: paths.appLogs, maxBytes: config.appLogMb * 1024 * 1024 }),
  });

  const events = new EventsService(store.events);
  // Reads across modules go through the owning module's service (made below; read at first use).
  const appsReader: AppsReader = { find: (name) => apps.find(name), list: () => apps.list() };
  const releasesReader: ReleasesReader = { current: (app) => releases.current(app), list: (app) => releases.list(app), get: (app, v) => releases.get(app, v) };
  // The build pipeline writes release rows through the releases module's service.
  const releaseRecords: ReleasesWriter = {
    ...releasesReader, create: (r) => releases.create(r), remove: (app, v) => releases.remove(app, v), setCurrent: (app, v) => releases.setCurrent(app, v),
  };
  // The processes module's formation and stopped marks, for the deployer, schedulers, runtime and build runner.
  const processStates = new ProcessStates(tablesOf(store, 'formation', 'processState'));
  // Plugins (plugins/*, $BERTH_HOME/plugins, BERTH_PLUGINS_PATH) and the service kit; links re-release through the build queue.
  const services = createPluginsAndServices({
    config, store, events, docker, apps: appsReader, log: (l) => console.log(`berth: ${l}`),
    redeploy: async (app, reason, user) => (store.releases.current(app) ? (await releases.redeploy(app, reason, user)).build : null),
    swarm: () => ({ engine: swarm, registry: imageRegistry }),
  });
  const hooks = services.plugins.hooks;
  // Scheduled service backups to $BERTH_HOME/backups/services or S3; a failed run notifies berth-wide targets.
  const serviceBackups = new ServiceBackups({
    store: tablesOf(store, 'serviceBackups'), kit: services.kit, backup: services.backup, events, scheduler: redis.backupCron,
    s3: s3Objects, root: path.join(config.home, 'backups', 'services'), log: (l) => console.log(`berth: ${l}`),
    onFailure: (f) => notifications.notify({ kind: 'backup.failed', app: null, service: `${f.plugin} service ${f.service}${f.schedule ? ` (schedule ${f.schedule})` : ''}`, error: f.message }),
    onUnverified: (u) => notifications.notify({ kind: 'backup.unverified', app: null, service: u.plugin === BERTH_SELF ? 'berth itself' : `${u.plugin} service ${u.service}${u.schedule ? ` (schedule ${u.schedule})` : ''}`, reason: u.reason, error: u.detail }),
  });
  // Snapshots of linked databases before release commands, for `releases:rollback --restore-data`.
  const snapshots = createSnapshots({ config, store, events, apps: appsReader, releases: releasesReader, services });
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
  const configVars = new ConfigVarsService({ store: tablesOf(store, 'config'), apps: appsReader, events });
  const urlOf = (app: string) => `http://${app}.${config.domain}${config.routerPort === 80 ? '' : `:${config.routerPort}`}`;
  let apps!: AppsService;
  // Schedulers (docs/swarm.md): swarm apps run as swarm services whose images berth's own registry serves.
  const imageRegistry = createImageRegistry({
    dir: path.join(config.home, 'registry'), addr: config.registryAddr, port: config.registryPort, docker,
    lock: redis.locks,
  });
  // docker-local's container mechanics; the schedulers below are peers, chosen per app by the registry.
  const deployer = new Deployer({
    store: tablesOf(store, 'drains', 'drainSettings', 'deploySettings'), apps: appsReader, releases: releasesReader, processes: processStates, engine, router, network: config.network, retireWaitSeconds: config.retireWaitSeconds,
    stopTimeoutSeconds: config.stopTimeoutSeconds, maxRetiring: config.maxRetiring, events,
    domainsOf: (app) => apps.domainsOf(app),
    mountsOf: (app) => storage.mountsForStart(app),
    composeDirOf: (app, dir) => storage.composeDirForStart(app, dir),
    beforeRemove: (c) => logs.archiveContainer(c),
    extraEnv: (app) => services.envFor(app),
    services: services.linkedContainers,
  });
  const localScheduler = new DockerLocalScheduler({
    deployer, runOneOff: (o) => oneOff.run(o),
    isStopped: (app) => processStates.isStopped(app), setStopped: (app, stopped) => processStates.setStopped(app, stopped),
  });
  const swarmScheduler = new SwarmScheduler({
    swarm, registry: imageRegistry, router, network: config.network, beforeRemoveService: (s) => logs.archiveService(s),
    store: tablesOf(store, 'schedulers'), apps: appsReader, releases: releasesReader, processes: processStates,
    domainsOf: (app) => apps.domainsOf(app), mountsOf: (app) => storage.mountsForStart(app), retireWaitSeconds: config.retireWaitSeconds,
    drainSettingsOf: (app) => deployer.drainSettingsOf(app),
    connectionsTo: (id, port) => engine.connectionsTo(id, port),
    envFor: (release) => deployer.envFor(release), scaleOf: (app, release) => deployer.scaleOf(app, release),
    // As on docker-local: a one-off container of the release image on the manager, on berth's network.
    runReleaseCommand: async (release, log) => {
      await engine.ensureNetwork(config.network);
      await deployer.runReleaseCommand(release, log);
    },
    // A swarm app may never have had a local container: berth's network may not exist yet.
    runOneOff: async (o) => {
      await engine.ensureNetwork(config.network);
      return oneOff.run(o);
    },
  });
  const scheduling = new SchedulerRegistry({ schedulers: [localScheduler, swarmScheduler], settings: store.schedulers, defaultScheduler: config.scheduler });
  const oneOff = new OneOffRunner({
    apps: appsReader, releases: releasesReader, engine, logs, envFor: (r) => deployer.envFor(r), network: config.network, appNetwork: (app) => deployer.prepareNetwork(app),
    mountsOf: (app) => storage.mountsForStart(app),
  });
  // Every one-off (run, cron, deploy scripts) goes through the app's scheduler, which hands it to `oneOff`.
  const oneOffs = { run: (o: OneOffRun) => scheduling.for(o.app).run(o) };
  const cron = new CronService({ apps: appsReader, releases: releasesReader, scheduler: redis.cron, runner: oneOffs, log: (l) => console.log(`berth: ${l}`) });
  const builds = new BuildsService({ store: tablesOf(store, 'builds'), apps: appsReader, releases: releaseRecords, queue: redis.queue, logs: redis.logs, events, buildLogsDir: paths.buildLogs });
  const registryLogins = new RegistryLogins({ store: tablesOf(store, 'registryLogins'), engine, events });
  const releaseMaker = new ReleaseMaker({
    releases: releaseRecords, apps: appsReader, config: configVars, engine, keepImages: config.keepImages, pruneRegistry: (app, keep) => swarmScheduler.pruneRegistry(app, keep),
    pull: (ref, log) => registryLogins.pull(ref, log),
  });
  const releases = new ReleasesService({ store: tablesOf(store, 'releases'), builds, events, configVars, snapshots });
  const runtime = new AppRuntime({
    releases: releasesReader, states: processStates, repos, router, engine,
    processes: { stopAll: (app) => scheduling.retireEverywhere(app, () => undefined), removeNetwork: (app) => deployer.removeNetwork(app) },
    removeData: async (app, keep) => {
      // Its data snapshots (dumps of services, which outlive the app): their rows go with the app's.
      const record = appsReader.find(app);
      if (record) snapshots.forget(record.id);
      const left = await storage.removeData(app, { keep });
      if (left.length > 0 && !keep) console.error(`berth: ${app} destroyed, but its volumes ${left.join(', ')} are in use and stay; \`docker volume rm\` them later`);
    },
    redeploy: async (app, reason) => { await releases.redeploy(app, reason, null); },
    forget: async (app) => {
      logs.forget(app);
      await cron.forget(app);
      // Its images in berth's registry too (after a rename the next deploy pushes under the new name).
      await swarmScheduler.pruneRegistry(app, []).catch((e: Error) => console.error(`berth: pruning ${app}'s registry images: ${e.message}`));
    },
  });
  apps = new AppsService({ store: tablesOf(store, 'apps'), releases: releasesReader, events, resources: withReviewApps(hookedResources(runtime, hooks), () => reviewApps), domain: config.domain, domainsOf: (app) => domains.domainsOf(app),
    vhostClash: (name) => domains.vhostClash(name),
  });
  // Router (domains, ports, nginx settings, certificates, ACME): a change re-applies the app's route.
  const reroute = async (app: string) => { if (releases.current(app)) await scheduling.route(app); };
  const domains = new DomainsService({
    store: tablesOf(store, 'domains', 'globalDomains'), apps: appsReader, events, baseDomain: config.domain, ownHostname: config.hostname,
    reroute: async (app) => { await reroute(app); await hooks.run('domains:change', { app, domains: domains.domainsOf(app) }); },
  });
  const routing = new RoutingService({
    store: tablesOf(store, 'ports', 'routerSettings'), apps: appsReader, releases: releasesReader, serviceHostPorts: () => services.kit.hostPorts(), events, reroute, configOf: (app) => router.configOf(app), portInUse: (port) => portInUse(port), logOf: nginxAppLogReader(paths.nginx),
    reservedPorts: new Map<number, string>([
      [22, 'SSH port'], [config.port, 'API and dashboard port (BERTH_PORT)'], [config.sshPort, 'SSH port (BERTH_SSH_PORT)'],
      [config.registryPort, 'image registry port (BERTH_REGISTRY_PORT)'], [config.routerPort, 'router HTTP port (BERTH_ROUTER_PORT; map 80)'],
      [config.routerHttpsPort, 'router HTTPS port (BERTH_ROUTER_HTTPS_PORT; map 443)'],
    ].filter(([p]) => p !== 0) as [number, string][]),
  });
  const certs = new CertsService({ store: tablesOf(store, 'certs'), apps: appsReader, events, files: new CertFiles(paths.certs), reroute });
  const readTemplate = repoTemplateReader(paths.repos);
  const routeExtras = storedRouteExtras({
    store: tablesOf(store, 'ports', 'routerSettings'), releases: releasesReader, tlsOf: (app) => certs.tlsOf(app),
    // The newest release is the one being deployed (its row exists before the deploy).
    templateOf: async (app) => { const sha = releases.list(app)[0]?.gitSha; return sha ? readTemplate(app, sha) : null; },
  });
  const issuer = createAcmeIssuer({ directoryUrl: config.acmeDirectory, dir: paths.acme });
  const letsencrypt = new LetsencryptService({
    store: tablesOf(store, 'certs'), settings: routing, certs, router, domainsOf: (app) => domains.domainsOf(app), issuer,
    defaultEmail: config.acmeEmail, renewDays: config.acmeRenewDays,
  });
  // berth's own address (BERTH_HOSTNAME): API, dashboard and git over HTTPS through the router.
  const ownAddress = new OwnAddress({
    hostname: config.hostname, webPort: config.port, certFile: config.tlsCertFile, keyFile: config.tlsKeyFile,
    sshPort: config.sshPort, httpsPort: config.routerHttpsPort, router: nginx, issuer, files: new CertFiles(paths.certs),
    acmeEmail: config.acmeEmail, renewDays: config.acmeRenewDays, hopSecretFile: `${config.home}/router-hop.secret`,
  });
  const processes = new ProcessesService({
    store: tablesOf(store, 'formation', 'processState'), apps: appsReader, releases: releasesReader, appSettings: { setProcessSettings: (app, patch) => appSettings.setProcessSettings(app, patch) }, engine, deployer, builds, events, repos, snapshotsDir: paths.snapshots,
    maxDrainSeconds: { retireWait: config.maxRetireWaitSeconds, stopTimeout: config.maxStopTimeoutSeconds },
    swarmStatusOf: async (app) => (scheduling.isSwarm(app) ? swarmScheduler.status(app, releases.current(app)) : null),
    defaultLimits: { memoryMb: config.defaultMemoryMb, cpus: config.defaultCpus },
  });
  const storage = new StorageService({ store: tablesOf(store, 'mounts'), apps: appsReader, releases: releasesReader, events, storageDir: paths.storage, removeVolume: (v) => engine.removeVolume(v) });
  const reconciler = new Reconciler({
    store: tablesOf(store, 'processState'), apps: appsReader, releases: releasesReader, engine, router, locks: redis.locks, deployer, schedulerOf: (app) => scheduling.for(app), events, intervalSeconds: config.reconcileIntervalSeconds,
    onCrash: (app, container, detail) => notifications.notify({ kind: 'app.crashing', app, container, detail, link: `${dashboardUrl()}/apps/${app}` }),
  });
  const liveness = new LivenessMonitor({ store: tablesOf(store, 'processState'), apps: appsReader, releases: releasesReader, engine, deployer, events, runsLocally: (app) => scheduling.nameFor(app) === 'docker-local' });
  const buildSettings = new BuildSettings({ store: tablesOf(store, 'buildSettings'), apps: appsReader, events });
  const checks = new ChecksSettings({ store: tablesOf(store, 'deploySettings'), apps: appsReader, events });
  // Each release watched for a window after its deploy (issue 28): rolled back, or alerted, on a breach.
  const { deployWatch, deployWatchSettings } = deployWatchOf({
    store, apps: appsReader, releases: releasesReader, deployer, engine, events, requestsSince: (app, sinceMs) => metrics.requestsSince(app, sinceMs),
    rollback: async (app, to, whileCurrent) => (await releases.rollback(app, to, null, { whileCurrent })).build.id,
    notify: (e) => notifications.notify(e), appLink: (app) => `${dashboardUrl()}/apps/${app}`,
  });
  const deployScripts = new DeployScripts({ runner: oneOffs, onLive: (r) => cron.activate(r) });
  const builder = new ImageBuilder({
    engine, buildpacks, memoryMb: config.buildMemoryMb, registry: registryLogins, appExists: (name) => store.apps.get(name) !== null, storageRootOf: (app) => storage.rootOf(app), admitPorts: (app, m) => routing.admitDetected(app, m),
    runtimes: new RuntimeImageCache({ engine, versions: new NpmVersions({ cacheDir: path.join(config.home, 'cache', 'npm') }), memoryMb: config.buildMemoryMb }),
    // Plugins' `build:detect`: a builder from a plugin, unless the app or its repo pins one.
    extraBuilder: async (app, source) => {
      const found = await hooks.detect({ app, source });
      return found ? { ...found.builder, by: `plugin ${found.plugin}` } : null;
    },
  });
  // build → release → predeploy → start → health → route → retire, each undone when a later one fails.
  const pipeline = new ReleasePipeline({
    schedulers: scheduling, currentRelease: (app) => store.releases.current(app),
    hooks: { run: (hook, payload) => hooks.run(hook as never, payload as never) },
    predeploy: (release, log) => deployScripts.beforeDeploy(release, log),
    snapshots,
    producer: new ReleaseProducer({
      apps: appsReader, config: configVars, engine, repos, builder, releases: releaseMaker, buildSettings,
      checkProxyTemplate: async (app, sha) => {
        const template = await readTemplate(app, sha);
        if (template !== null) checkAppTemplate(template, { app, raw: store.routerSettings.get(app)[RAW_TEMPLATE_KEY] === 'true' });
      },
    }),
  });
  // The one way berth alerts people (docs/notifications.md): typed events in, deliveries through the queue.
  const rules = notificationRules(config, redis.port);
  const notifications = new NotificationsService({
    store: tablesOf(store, 'notifications'), apps: appsReader, events, queue: redis.notificationQueue<NotificationEvent>(),
    senders: createNotificationSenders({ refused: (address, port) => refusedAddress(address, port, rules) }),
    rules, resolve: resolveHost, log: (l) => console.error(`berth: ${l}`),
  });
  // Links in notifications point at the dashboard: berth's own address, else its web port.
  const dashboardUrl = () => ownAddress.baseUrl() ?? `http://${config.host === '0.0.0.0' ? os.hostname() : config.host}:${config.port}`;
  const runner = new BuildRunner({
    operations: new ProcessOperations({ store: tablesOf(store, 'formation', 'processState'), releases: releasesReader, events, schedulerOf: (app) => scheduling.for(app), scaleOf: (app, release) => deployer.scaleOf(app, release) }),
    store: tablesOf(store, 'builds'), config: configVars, releaseRecords, processes: processStates, repos, logs: redis.logs, events, releases: releaseMaker, pipeline, urlOf,
    buildLogsDir: paths.buildLogs, timeoutSeconds: config.buildTimeoutSeconds,
    afterDeploy: (release, log) => deployScripts.afterDeploy(release, log),
    synced: async (app, sha) => { const record = appsReader.find(app); if (record) await remoteGit.moveBranch(app, record.deployBranch, sha); },
    watch: deployWatch,
    notify: (e) => notifications.notify(e), buildLink: (app, id) => `${dashboardUrl()}/apps/${app}/builds/${id}`,
  });
  const gitSync = new GitSync({
    store: tablesOf(store, 'forge'), apps: appsReader, repos, remote: remoteGit, builds, events, snapshotsDir: paths.snapshots,
    // Never berth's own git endpoints: another app's repo through berth's transport (docs/security.md).
    own: { ports: [config.port, config.sshPort, config.routerPort, config.routerHttpsPort].filter((p) => p > 0), hostnames: config.hostname ? [config.hostname] : [], isOwnAddress },
  });
  const webhooks = new Webhooks({ store: tablesOf(store, 'forge'), apps: appsReader, sync: gitSync, events });
  const schedulers = new SchedulersService({
    store: tablesOf(store, 'schedulers'), apps: appsReader, releases: releasesReader, events, swarm, nameFor: (app) => scheduling.nameFor(app),
    statusOf: (app, release) => scheduling.for(app).status(app, release),
    redeploy: (app, reason, user) => releases.redeploy(app, reason, user),
  });
  const swarmSetup = new SwarmSetup({ swarm, registry: imageRegistry, registryAddr: config.registryAddr, events });
  const { swarmNodes, swarmWatcher } = swarmNodesOf({ swarm, events, locks: redis.locks, network: config.network, scheduling, swarmScheduler, apps: appsReader, releases });
  // The one gate of git over HTTP and SSH (app name, disk room, role, lock), then the hook's receiver (branch).
  // Review apps (app/review-apps): a push to review/<name> makes and deploys <app>-<name>; deleting the branch destroys it.
  const reviewApps = new ReviewApps({
    store: tablesOf(store, 'reviewApps'), apps, config: configVars, access, links: services.links, max: config.reviewAppsMax,
    services: { exists: (plugin, name) => services.kit.list(plugin).some((x) => x.name === name), create: (o) => services.kit.create(o), destroy: (o) => services.kit.destroy(o) },
    setFormation: (app, counts) => store.formation.set(app, counts),
    readAppJson: async (snapshot) => (await readSourceView(snapshot)).read('app.json'),
  });
  const pushGate = new PushGate({
    repos, apps, access, autoCreateApps: config.autoCreateApps, hookSecret: hook.secret,
    receiver: new PushReceiver({ apps: appsReader, builds, review: reviewApps }),
  });
  // The metrics history (app/metrics): each round of the sampler, and the router's request log, into SQLite.
  const metrics = new MetricsService({ store: tablesOf(store, 'metrics'), requestLog: nginxRequestLog(paths.nginx), intervalSeconds: config.statsIntervalSeconds });
  const metricsCollector = new MetricsCollector({ metrics, inspect: (id) => engine.inspectContainer(id) });
  const statsSampler = new StatsSampler({
    engine, scope: config.network, intervalMs: config.statsIntervalSeconds * 1000, onRound: (at, containers) => metricsCollector.round(at, containers),
  });
  const { logDrainer, logDrains } = logDrainsOf({ config, redisPort: redis.port, store, logs, events, appNames: () => appsReader.list().map((a) => a.name) });
  const appSettings = new AppSettings({ store: tablesOf(store, 'apps'), events, buildpackNames: () => buildpacks.map((b) => b.name) });
  // Disk hygiene (app/disk): per-app disk figures, retention, router log rotation, dangling images, the disk watch.
  const diskEngine = createDiskEngine(docker);
  const routerLogs = { dir: path.join(paths.nginx, 'logs'), rotate: (maxBytes: number, o: { dryRun: boolean }) => nginx.rotateLogs(maxBytes, o) };
  const disk = {
    report: (app: string) => appDiskReport({
      apps: appsReader, engine: diskEngine, dataOf: (a) => storage.dataOf(a), buildIdsOf: (a) => builds.list(a, 1_000_000).map((b) => b.id),
      buildLogsDir: paths.buildLogs, appLogsDir: paths.appLogs, routerLogs, snapshotsDir: snapshotsDir(config),
    }, app),
  };
  const housekeeping = new Housekeeping({
    settings: {
      buildLogDays: config.buildLogDays, eventDays: config.eventDays, routerLogMb: config.routerLogMb,
      danglingImageHours: config.danglingImageHours, diskWarnPercent: config.diskWarnPercent,
    },
    home: config.home, buildLogsDir: paths.buildLogs, pruneEvents: (at, o) => events.pruneBefore(at, o), routerLogs, engine: diskEngine, events,
    onLow: (disk) => notifications.notify({ kind: 'disk.low', app: null, ...disk }),
  });

  // berth backs itself up (backup:create) and comes back on a fresh home (backup:restore): docs/backups.md.
  const berthBackup = new BerthBackup({
    home: config.home, keyFile: `${config.home}/secret.key`, db: store, version: berthVersion(),
    apps: () => store.apps.list().map((a) => a.name), deployed: (app) => releases.current(app) !== null,
    services: () => store.services.list(),
    exportService: (plugin, name) => services.backup.prepareExport(plugin, name),
    importService: (plugin, name, input) => services.backup.import({ plugin, name, input, user: null }),
    revive: (s) => services.kit.revive(s),
    rebuild: async (app) => (await processes.rebuild(app, null)).build.id,
    redeployImage: (app) => redeployImageApp({
      current: (a) => releases.current(a), releases: (a) => releases.list(a),
      hasImage: async (ref) => (await engine.inspectImage(ref)) !== null,
      redeploy: async (a, reason) => (await releases.redeploy(a, reason, null)).build.id,
      deployImage: async (a, ref) => (await builds.enqueue({ app: a, kind: 'image', source: ref, user: null })).build.id,
    }, app),
    buildStatus: (app, build) => builds.get(app, build).status,
    record: (message) => events.record({ app: null, kind: 'berth.backup', message, user: null }),
  });
  // ... kept on the server too: daily by default below $BERTH_HOME/backups/berth, or to S3; a failed run notifies.
  const berthBackups = new BerthBackups({
    backup: berthBackup, store: tablesOf(store, 'serviceBackups'), s3: s3Objects, scheduler: redis.backupCron,
    root: path.join(config.home, 'backups', 'berth'), events, log: (l) => console.log(`berth: ${l}`),
    onFailure: (error) => notifications.notify({ kind: 'backup.failed', app: null, service: 'berth itself', error }),
    afterRestore: () => serviceBackups.syncAll(),
    verify: (made, open, o) => serviceBackups.verifier.prove(
      { plugin: BERTH_SELF, service: 'berth', backupId: made.name, schedule: o.scheduled ? 'berth' : null, user: o.user, what: 'berth itself' },
      async () => checkBerthArchive(await open(), { db: store, staging: path.join(config.home, 'backups', 'berth', '.staging') }),
    ),
  });

  return {
    config, paths, store, engine, router, redis, repos, hook,
    events, users, access, loginLimiter, sessions, configVars, apps, appSettings, deployer, scheduling, builds, releases, runner, pushGate, urlOf,
    processes, storage, reconciler, liveness, deployWatch, deployWatchSettings, buildSettings, checks, registryLogins, schedulers, swarmSetup, swarmNodes, swarmWatcher, imageRegistry, gitSync, webhooks,
    logs, oneOff, cron, domains, routing, certs, letsencrypt, ownAddress, routers: routersOf(redis.routeFeed),
    routerFleet: routerFleetOf({ config, docker, swarm, registry: imageRegistry, events }),
    services, serviceBackups, berthBackup, berthBackups, reviewApps, statsSampler, notifications, disk, housekeeping, metricsHistory: metrics, logDrainer, logDrains,
    async close(): Promise<void> {
      await reconciler.stop();
      liveness.stop();
      swarmWatcher.stop();
      await deployWatch.stop();
      await redis.close();
      store.close();
    },
  };
}

export type Berth = ReturnType<typeof createBerth>;
