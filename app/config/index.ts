import os from 'node:os';
import path from 'node:path';
import { BerthError } from '../errors';

/** Everything berth reads from the environment, parsed once at start and frozen. */
export interface Config {
  /** BERTH_HOME — state, repos, logs, router config. Default /var/lib/berth. */
  readonly home: string;
  /** BERTH_DOMAIN — apps get `<app>.<domain>`. Default localhost. */
  readonly domain: string;
  /** BERTH_HOST — address the API/dashboard/git listener binds. Default 127.0.0.1. */
  readonly host: string;
  /** BERTH_PORT — API, dashboard and git smart HTTP. Default 8380. */
  readonly port: number;
  /** BERTH_ROUTER_PORT — where nginx listens for app traffic. Default 80. */
  readonly routerPort: number;
  /** BERTH_ROUTER_HTTPS_PORT — nginx TLS listener. Default 443. */
  readonly routerHttpsPort: number;
  /** REDIS_URL — BullMQ queue, log pub/sub. Default redis://127.0.0.1:6379. */
  readonly redisUrl: string;
  /** BERTH_REDIS_PREFIX — key prefix, so several berths can share one Redis. Default berth. */
  readonly redisPrefix: string;
  /** DOCKER_SOCKET — Docker Engine API socket. Default /var/run/docker.sock. */
  readonly dockerSocket: string;
  /** BERTH_NETWORK — Docker network app containers join. Default berth. */
  readonly network: string;
  /** BERTH_BUILD_CONCURRENCY — builds of different apps at once. Default 2. */
  readonly buildConcurrency: number;
  /** BERTH_BUILD_TIMEOUT — seconds before a build is stopped. Default 1800. */
  readonly buildTimeoutSeconds: number;
  /** BERTH_BUILD_MEMORY — memory limit of a build, in MiB. Default 2048. */
  readonly buildMemoryMb: number;
  /** BERTH_AUTO_CREATE — a push to a missing app creates it (as dokku). Default true. */
  readonly autoCreateApps: boolean;
  /** BERTH_REVIEW_APPS_MAX — review apps (pushes to review/<name>) one app may have at once; 0 turns them off. Default 5. */
  readonly reviewAppsMax: number;
  /** BERTH_COOKIE_SECURE — true: dashboard cookies are always Secure and `__Host-` prefixed (set it when a TLS proxy fronts berth); false: only for requests that reach berth over HTTPS. Default false. */
  readonly cookieSecure: boolean;
  /** BERTH_DEFAULT_MEMORY — memory limit in MiB of app containers without `resource:limit --memory`; 0 for none. Default 512. */
  readonly defaultMemoryMb: number;
  /** BERTH_DEFAULT_CPUS — CPU limit of app, one-off and service containers without `resource:limit --cpu` (e.g. 0.5); 0 for none. Default 1. */
  readonly defaultCpus: number;
  /** BERTH_APP_SUBNETS — IPv4 range the apps' own networks take a /24 each from (docker's default pools hold only about 30 networks); empty for docker's default pools. Default 10.240.0.0/16. */
  readonly appSubnets: string;
  /** BERTH_PIDS_LIMIT — processes and threads one container may have (a fork bomb stops there); 0 for none. Default 1024. */
  readonly pidsLimit: number;
  /** BERTH_SSH_PORT — port of the SSH transport (git push and commands over ssh); 0 turns it off. Default 2222. */
  readonly sshPort: number;
  /** BERTH_SSH_HOST — address the SSH transport binds (it checks keys itself, so it may face the network, e.g. 0.0.0.0 for pushes from laptops). Default BERTH_HOST. */
  readonly sshHost: string;
  /** BERTH_HOSTNAME — berth's own address, e.g. berth.example.com: the router serves the API, dashboard and git on it over HTTPS (HTTP redirects there) and the web port answers loopback clients only. Empty: none, berth is reached on BERTH_HOST:BERTH_PORT. Default none. */
  readonly hostname: string | null;
  /** BERTH_TLS_CERT — PEM certificate chain for BERTH_HOSTNAME, with BERTH_TLS_KEY; empty: one from the ACME server (BERTH_ACME_DIRECTORY). Default none. */
  readonly tlsCertFile: string | null;
  /** BERTH_TLS_KEY — PEM private key of BERTH_TLS_CERT. Default none. */
  readonly tlsKeyFile: string | null;
  /** BERTH_SSH_AUTH_TIMEOUT — seconds an SSH client has to log in before berth closes the connection. Default 30. */
  readonly sshAuthTimeoutSeconds: number;
  /** BERTH_RETIRE_WAIT — at most this many seconds an unrouted container keeps serving its open connections before SIGTERM (apps: `ps:set <app> retire-wait`). Default 60. */
  readonly retireWaitSeconds: number;
  /** BERTH_STOP_TIMEOUT — seconds between SIGTERM and SIGKILL when a container stops (apps: `ps:set <app> stop-timeout`). Default 30. */
  readonly stopTimeoutSeconds: number;
  /** BERTH_MAX_RETIRE_WAIT — the most seconds `ps:set <app> retire-wait` may give (higher is refused). Default 600. */
  readonly maxRetireWaitSeconds: number;
  /** BERTH_MAX_STOP_TIMEOUT — the most seconds `ps:set <app> stop-timeout` may give (higher is refused). Default 120. */
  readonly maxStopTimeoutSeconds: number;
  /** BERTH_MAX_RETIRING — at most this many old containers of one app retire at once; beyond it the oldest stop at once. Default 20. */
  readonly maxRetiring: number;
  /** BERTH_RECONCILE_INTERVAL — seconds between reconcile passes. Default 10. */
  readonly reconcileIntervalSeconds: number;
  /** BERTH_START_WAIT — seconds berth waits at start for the Docker Engine and Redis to answer (after a reboot it may start before them), then exits. Default 300. */
  readonly startWaitSeconds: number;
  /** BERTH_BOOT_ID_FILE — a file whose content is new at each boot of the host: when it changed since berth last started, apps not stopped are started whatever their restart policy. Default /proc/sys/kernel/random/boot_id. */
  readonly bootIdFile: string;
  /** BERTH_STATS_INTERVAL — seconds between the web process's CPU/memory samples of app containers (the resources panel keeps 120 of them; the metrics history keeps them raw for an hour, then in 1- and 10-minute buckets). Default 30. */
  readonly statsIntervalSeconds: number;
  /** BERTH_LOG_DRAIN_BUFFER — lines each log drain holds while its receiver is down; beyond it the oldest are dropped and counted. Default 10000. */
  readonly logDrainBuffer: number;
  /** BERTH_NGINX_BIN — the nginx binary. Default nginx (from PATH). */
  readonly nginxBin: string;
  /** BERTH_ROUTER_FEED — publish every route berth's router applies (certificates included) to Redis under a version, for the router agents on the other managers (docs/swarm.md, "A router on each manager"). Default false. */
  readonly routerFeed: boolean;
  /** BERTH_ROUTER_AGENT_NAME — `berth router-agent` only: this router's name in `berth router:report`. Default the host's name. */
  readonly routerAgentName: string;
  /** BERTH_ROUTER_REDIS_URL — the Redis URL the router agents berth runs (`berth router:deploy`) use: berth's Redis as the other nodes reach it, e.g. redis://:<password>@10.0.0.5:6379 (never shown to anyone; router:deploy refuses a loopback one). Default REDIS_URL. */
  readonly routerRedisUrl: string;
  /** BERTH_ROUTER_AGENT_NODE_ID — `berth router-agent` only: its swarm node's id for the report, when it cannot ask the local engine (the berth-router service sets it). Default: asked of DOCKER_SOCKET. */
  readonly routerAgentNodeId: string | null;
  /** BERTH_ROUTER_AGENT_ADDRESS — `berth router-agent` only: the address clients reach this router on (what DNS points at). Default the first IPv4 address that is neither loopback nor on a Docker bridge (docker0, docker_gwbridge, br-…). */
  readonly routerAgentAddress: string | null;
  /** BERTH_SCHEDULER — where apps run unless `scheduler:set` says otherwise, and new services unless `<service>:create --scheduler` does: docker-local or swarm. Default docker-local. */
  readonly scheduler: 'docker-local' | 'swarm';
  /** BERTH_REGISTRY_ADDR — address berth's own image registry listens on, as swarm nodes reach it. Default 127.0.0.1. */
  readonly registryAddr: string;
  /** BERTH_REGISTRY_PORT — port of berth's own image registry (Debian's docker-registry, started on the first swarm deploy). Default 5100. */
  readonly registryPort: number;
  /** BERTH_KEEP_IMAGES — release images kept per app. Default 5. */
  readonly keepImages: number;
  /** BERTH_SNAPSHOT_KEEP — releases per app whose data snapshots (taken before a release command, for `releases:rollback --restore-data`) are kept. Default 5. */
  readonly snapshotKeep: number;
  /** BERTH_APP_LOG_MB — output of removed containers, one-offs and cron kept per app under logs/apps, in MiB. Default 5. */
  readonly appLogMb: number;
  /** BERTH_BUILD_LOG_DAYS — build logs older than this many days are removed by `berth cleanup` (the builds stay listed). Default 30. */
  readonly buildLogDays: number;
  /** BERTH_EVENT_DAYS — audit events older than this many days are removed by `berth cleanup`. Default 90. */
  readonly eventDays: number;
  /** BERTH_ROUTER_LOG_MB — `berth cleanup` moves a router log past this many MiB to `<file>.1` (replacing the older one). Default 50. */
  readonly routerLogMb: number;
  /** BERTH_DANGLING_IMAGE_HOURS — `berth cleanup` removes untagged images older than this many hours. Default 24. */
  readonly danglingImageHours: number;
  /** BERTH_DISK_WARN_PERCENT — a `disk.low` event when the disk holding BERTH_HOME is this full (checked every 10 minutes). Default 90. */
  readonly diskWarnPercent: number;
  /** BERTH_CLEANUP_INTERVAL — seconds between the worker's `berth cleanup` runs. Default 86400 (daily). */
  readonly cleanupIntervalSeconds: number;
  /** BERTH_LOG_LEVEL — info or debug. Default info. */
  readonly logLevel: 'info' | 'debug';
  /** BERTH_ACME_DIRECTORY — ACME directory URL for letsencrypt:enable. Default https://acme-v02.api.letsencrypt.org/directory. */
  readonly acmeDirectory: string;
  /** BERTH_ACME_EMAIL — contact e-mail for the ACME account, unless letsencrypt:enable gives one. Default none. */
  readonly acmeEmail: string;
  /** BERTH_ACME_RENEW_DAYS — renew ACME certificates this many days before they expire. Default 30. */
  readonly acmeRenewDays: number;
  /** BERTH_ACME_CHECK_INTERVAL — seconds between certificate renewal checks. Default 86400 (daily). */
  readonly acmeCheckIntervalSeconds: number;
  /** BERTH_SESSION_HOURS — how long a dashboard login lasts, in hours. Default 168. */
  readonly sessionHours: number;
  /** BERTH_NOTIFY_ATTEMPTS — tries per notification delivery (webhook, Slack, email), the first included, before its target shows `failed`. Default 6. */
  readonly notifyAttempts: number;
  /** BERTH_NOTIFY_BACKOFF_MS — milliseconds before a failed notification is tried again; each next wait is twice as long. Default 5000. */
  readonly notifyBackoffMs: number;
  /** BERTH_ADMIN_PASSWORD — when set, `admin:bootstrap` also sets the admin's dashboard password. Default unset. */
  readonly adminPassword: string | null;
  /** BERTH_PLUGINS_PATH — colon-separated folders to load plugins from, each a plugin folder or a folder of them (besides plugins/ and $BERTH_HOME/plugins). Default none. */
  readonly pluginsPath: readonly string[];
}

export interface Paths {
  readonly db: string;
  readonly repos: string;
  readonly buildLogs: string;
  readonly appLogs: string;
  readonly nginx: string;
  readonly run: string;
  readonly storage: string;
  readonly snapshots: string;
  /** Certificates per app (`<app>/cert.pem`, `key.pem`, mode 0600). */
  readonly certs: string;
  /** The ACME account key. */
  readonly acme: string;
}

function int(env: NodeJS.ProcessEnv, key: string, fallback: number, min = 0, max = 65535 * 1000): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new BerthError('INVALID_CONFIG', `${key}=${raw} is not a whole number between ${min} and ${max}; fix or unset it.`);
  }
  return n;
}

function bool(env: NodeJS.ProcessEnv, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new BerthError('INVALID_CONFIG', `${key}=${raw} must be true or false.`);
}

function acmeDirectory(raw: string | undefined): string {
  const url = raw || 'https://acme-v02.api.letsencrypt.org/directory';
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new BerthError('INVALID_CONFIG', `BERTH_ACME_DIRECTORY=${url} is not an http(s) URL.`);
  return url;
}

function schedulerName(raw: string | undefined): 'docker-local' | 'swarm' {
  const name = raw || 'docker-local';
  if (name !== 'docker-local' && name !== 'swarm') throw new BerthError('INVALID_CONFIG', `BERTH_SCHEDULER=${name} must be docker-local or swarm.`);
  return name;
}

function registryAddr(raw: string | undefined): string {
  const addr = raw || '127.0.0.1';
  if (!/^[0-9a-z.:-]{1,253}$/i.test(addr)) throw new BerthError('INVALID_CONFIG', `BERTH_REGISTRY_ADDR=${addr} is not a host name or IP address.`);
  return addr;
}

function hostname(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  const name = raw.toLowerCase();
  if (name.length > 253 || !/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name) || /^[0-9.]+$/.test(name)) {
    throw new BerthError('INVALID_CONFIG', `BERTH_HOSTNAME=${raw} is not a host name (e.g. berth.example.com).`);
  }
  return name;
}

function tlsFiles(env: NodeJS.ProcessEnv): { tlsCertFile: string | null; tlsKeyFile: string | null } {
  const cert = env.BERTH_TLS_CERT || null;
  const key = env.BERTH_TLS_KEY || null;
  if ((cert === null) !== (key === null)) throw new BerthError('INVALID_CONFIG', 'Set both BERTH_TLS_CERT and BERTH_TLS_KEY, or neither (then the ACME server issues the certificate).');
  return { tlsCertFile: cert && path.resolve(cert), tlsKeyFile: key && path.resolve(key) };
}

function cpus(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || n > 1024) throw new BerthError('INVALID_CONFIG', `BERTH_DEFAULT_CPUS=${raw} is not a number of CPUs between 0 and 1024 (e.g. 0.5); fix or unset it.`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const home = path.resolve(env.BERTH_HOME || '/var/lib/berth');
  const domain = (env.BERTH_DOMAIN || 'localhost').toLowerCase();
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(domain)) {
    throw new BerthError('INVALID_CONFIG', `BERTH_DOMAIN=${domain} is not a hostname.`);
  }
  const logLevel = env.BERTH_LOG_LEVEL === 'debug' ? 'debug' : 'info';
  return Object.freeze({
    home,
    domain,
    host: env.BERTH_HOST || '127.0.0.1',
    port: int(env, 'BERTH_PORT', 8380, 1, 65535),
    routerPort: int(env, 'BERTH_ROUTER_PORT', 80, 1, 65535),
    routerHttpsPort: int(env, 'BERTH_ROUTER_HTTPS_PORT', 443, 1, 65535),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    redisPrefix: env.BERTH_REDIS_PREFIX || 'berth',
    dockerSocket: env.DOCKER_SOCKET || '/var/run/docker.sock',
    network: env.BERTH_NETWORK || 'berth',
    buildConcurrency: int(env, 'BERTH_BUILD_CONCURRENCY', 2, 1, 64),
    buildTimeoutSeconds: int(env, 'BERTH_BUILD_TIMEOUT', 1800, 5),
    buildMemoryMb: int(env, 'BERTH_BUILD_MEMORY', 2048, 64),
    autoCreateApps: bool(env, 'BERTH_AUTO_CREATE', true),
    reviewAppsMax: int(env, 'BERTH_REVIEW_APPS_MAX', 5, 0, 100),
    cookieSecure: bool(env, 'BERTH_COOKIE_SECURE', false),
    defaultMemoryMb: int(env, 'BERTH_DEFAULT_MEMORY', 512, 0),
    defaultCpus: cpus(env.BERTH_DEFAULT_CPUS),
    pidsLimit: int(env, 'BERTH_PIDS_LIMIT', 1024, 0, 4_194_304),
    appSubnets: env.BERTH_APP_SUBNETS ?? '10.240.0.0/16',
    sshPort: int(env, 'BERTH_SSH_PORT', 2222, 0, 65535),
    sshHost: env.BERTH_SSH_HOST || env.BERTH_HOST || '127.0.0.1',
    hostname: hostname(env.BERTH_HOSTNAME),
    ...tlsFiles(env),
    sshAuthTimeoutSeconds: int(env, 'BERTH_SSH_AUTH_TIMEOUT', 30, 1, 600),
    retireWaitSeconds: int(env, 'BERTH_RETIRE_WAIT', 60, 0, 3600),
    stopTimeoutSeconds: int(env, 'BERTH_STOP_TIMEOUT', 30, 0, 3600),
    maxRetireWaitSeconds: int(env, 'BERTH_MAX_RETIRE_WAIT', 600, 0, 3600),
    maxStopTimeoutSeconds: int(env, 'BERTH_MAX_STOP_TIMEOUT', 120, 0, 3600),
    maxRetiring: int(env, 'BERTH_MAX_RETIRING', 20, 1, 1000),
    reconcileIntervalSeconds: int(env, 'BERTH_RECONCILE_INTERVAL', 10, 1, 3600),
    startWaitSeconds: int(env, 'BERTH_START_WAIT', 300, 0, 3600),
    bootIdFile: env.BERTH_BOOT_ID_FILE || '/proc/sys/kernel/random/boot_id',
    statsIntervalSeconds: int(env, 'BERTH_STATS_INTERVAL', 30, 1, 3600),
    logDrainBuffer: int(env, 'BERTH_LOG_DRAIN_BUFFER', 10_000, 1, 1_000_000),
    nginxBin: env.BERTH_NGINX_BIN || 'nginx',
    keepImages: int(env, 'BERTH_KEEP_IMAGES', 5, 1, 1000),
    snapshotKeep: int(env, 'BERTH_SNAPSHOT_KEEP', 5, 1, 1000),
    routerFeed: bool(env, 'BERTH_ROUTER_FEED', false),
    routerAgentName: env.BERTH_ROUTER_AGENT_NAME || os.hostname(),
    routerAgentAddress: env.BERTH_ROUTER_AGENT_ADDRESS || null,
    routerRedisUrl: env.BERTH_ROUTER_REDIS_URL || env.REDIS_URL || 'redis://127.0.0.1:6379',
    routerAgentNodeId: env.BERTH_ROUTER_AGENT_NODE_ID || null,
    scheduler: schedulerName(env.BERTH_SCHEDULER),
    registryAddr: registryAddr(env.BERTH_REGISTRY_ADDR),
    registryPort: int(env, 'BERTH_REGISTRY_PORT', 5100, 1, 65535),
    appLogMb: int(env, 'BERTH_APP_LOG_MB', 5, 1, 10_000),
    buildLogDays: int(env, 'BERTH_BUILD_LOG_DAYS', 30, 0, 36_500),
    eventDays: int(env, 'BERTH_EVENT_DAYS', 90, 0, 36_500),
    routerLogMb: int(env, 'BERTH_ROUTER_LOG_MB', 50, 0, 100_000),
    danglingImageHours: int(env, 'BERTH_DANGLING_IMAGE_HOURS', 24, 0, 87_600),
    diskWarnPercent: int(env, 'BERTH_DISK_WARN_PERCENT', 90, 1, 100),
    cleanupIntervalSeconds: int(env, 'BERTH_CLEANUP_INTERVAL', 86_400, 60, 30 * 86_400),
    logLevel,
    acmeDirectory: acmeDirectory(env.BERTH_ACME_DIRECTORY),
    acmeEmail: env.BERTH_ACME_EMAIL || '',
    acmeRenewDays: int(env, 'BERTH_ACME_RENEW_DAYS', 30, 1, 89),
    acmeCheckIntervalSeconds: int(env, 'BERTH_ACME_CHECK_INTERVAL', 86_400, 10, 7 * 86_400),
    sessionHours: int(env, 'BERTH_SESSION_HOURS', 168, 1, 24 * 365),
    notifyAttempts: int(env, 'BERTH_NOTIFY_ATTEMPTS', 6, 1, 20),
    notifyBackoffMs: int(env, 'BERTH_NOTIFY_BACKOFF_MS', 5000, 10, 3_600_000),
    adminPassword: env.BERTH_ADMIN_PASSWORD || null,
    pluginsPath: Object.freeze((env.BERTH_PLUGINS_PATH || '').split(':').filter(Boolean).map((p) => path.resolve(p))),
  });
}

export function pathsFor(config: Config): Paths {
  const h = config.home;
  return Object.freeze({
    db: path.join(h, 'berth.db'),
    repos: path.join(h, 'repos'),
    buildLogs: path.join(h, 'logs', 'builds'),
    appLogs: path.join(h, 'logs', 'apps'),
    nginx: path.join(h, 'nginx'),
    run: path.join(h, 'run'),
    storage: path.join(h, 'storage'),
    snapshots: path.join(h, 'snapshots'),
    certs: path.join(h, 'certs'),
    acme: path.join(h, 'acme'),
  });
}

/** The limits every container gets unless the app sets its own (infra/docker's ContainerLimits). */
export function containerLimits(config: Config): { defaultMemoryMb: number; defaultCpus: number; pidsLimit: number } {
  return { defaultMemoryMb: config.defaultMemoryMb, defaultCpus: config.defaultCpus, pidsLimit: config.pidsLimit };
}
