import type { AppSettings, AppsService } from '../apps';
import type { BuildSettings, BuildsService, PushGate } from '../builds';
import type { CertsService, LetsencryptService } from '../certs';
import type { ConfigVarsService } from '../config-vars';
import type { CronService } from '../cron';
import type { ChecksRun, ChecksSettings, DeployWatchSettings } from '../deploys';
import type { DeployWatchRecord } from '../ports/deploy-watches';
import type { AppRecord } from '../ports/store';
import type { DomainsService, RoutingService } from '../domains';
import type { EventsService } from '../events';
import type { GitSync, Webhooks } from '../forge';
import type { LogsService } from '../logs';
import type { MetricsFacts } from '../metrics';
import type { LogDrainsService } from '../log-drains';
import type { OneOffRun, OneOffRunner } from '../one-off';
import type { OwnAddress } from '../own-address';
import type { PluginHost } from '../plugins';
import type { ContainerInfo, ContainerStats } from '../ports/container-engine';
import type { ProcessesService } from '../processes';
import type { StatsSampler } from '../processes/stats-sampler';
import type { MetricsService } from '../metrics';
import type { RegistryLogins } from '../registry-auth';
import type { NotificationsService } from '../notifications';
import type { ReleasesService } from '../releases';
import type { SchedulersService, SwarmNodeOps, SwarmSetup } from '../schedulers';
import type { RouterFleet, RouterReport } from '../domains';
import type { ServiceBackup, ServiceKit, ServiceLinks } from '../services-kit';
import type { BerthBackup, BerthBackups, ServiceBackups } from '../backups';
import type { SessionsService } from '../sessions';
import type { StorageService } from '../storage';
import type { AppDiskReport, Housekeeping } from '../disk';
import type { AccessService, LoginLimiter, UsersService } from '../users';
import type { ServerFile } from '../server-file';
import type { VersionResponse } from '../api-contract';

/** Read-only views of app containers for the dashboard (the engine itself stays in app/boot). */
export interface ContainerView {
  /** The app's containers, as its scheduler sees them. */
  of(app: string): Promise<ContainerInfo[]>;
  /** Every app container of this installation, for the overview: one engine call for the whole page. */
  all(): Promise<ContainerInfo[]>;
  /** CPU and memory now (docker stats: a second or two); null when it is gone. */
  stats(id: string): Promise<ContainerStats | null>;
}

/** The web process's own settings the edge needs (config is read once, in app/config). */
export interface WebSettings {
  /** BERTH_COOKIE_SECURE: Secure and __Host- cookies always (a TLS proxy fronts berth). */
  readonly cookieSecure: boolean;
  /** BERTH_HOSTNAME is set: berth's own router (on loopback) is the one proxy in front of this port. */
  readonly behindOwnRouter: boolean;
  /** With an own address, the secret berth's router sends (router-hop.ts); null without one. */
  readonly routerHopSecret: string | null;
  readonly sessionHours: number;
  /** BERTH_PORT, for the git remote the app page shows when the request has no Host. */
  readonly port: number;
  /** Where uploaded source archives wait for their build. */
  readonly snapshotsDir: string;
}

/**
 * Everything app/http may use, declared here and filled by app/boot (http-services.ts), as a
 * Backstage plugin lists the core services it needs. Domain services only: no store, engine,
 * repos or Redis, so a route cannot step around a service's checks, and a test can hand the
 * routes fakes.
 */
export interface HttpServices {
  readonly users: UsersService;
  readonly access: AccessService;
  readonly loginLimiter: LoginLimiter;
  readonly sessions: SessionsService;
  readonly events: EventsService;
  readonly apps: AppsService;
  readonly appSettings: AppSettings;
  readonly configVars: ConfigVarsService;
  readonly builds: BuildsService;
  /** git:sync and git:auth: deploy a commit fetched from a remote repository. */
  readonly gitSync: GitSync;
  /** Forge webhooks (`POST /hooks/<provider>/<app>`) and their secrets. */
  readonly webhooks: Webhooks;
  readonly buildSettings: BuildSettings;
  /** checks:disable/skip/enable per process type. */
  readonly checks: ChecksSettings;
  /** deploy-watch:set|report: what a deploy watch looks for, and the app's recent watches. */
  readonly deployWatch: { readonly settings: DeployWatchSettings; watches(app: string): DeployWatchRecord[] };
  /** checks:run: the current release's checks against its running containers, now. */
  checksRun(app: string, types: readonly string[] | undefined): Promise<ChecksRun>;
  /** The docker network an app's containers and linked services share (network:list/info). */
  networkOf(app: AppRecord): string;
  readonly releases: ReleasesService;
  readonly processes: ProcessesService;
  readonly storage: StorageService;
  readonly logs: LogsService;
  /** logs:drain-add/list/remove. */
  readonly logDrains: LogDrainsService;
  readonly oneOff: Pick<OneOffRunner, 'enter' | 'currentRelease' | 'runDetached'>;
  /** A one-off (`berth run`, `cron:run`) through the app's scheduler. */
  readonly oneOffs: { run(o: OneOffRun): Promise<number> };
  readonly cron: CronService;
  readonly domains: DomainsService;
  readonly routing: RoutingService;
  readonly certs: CertsService;
  readonly letsencrypt: LetsencryptService;
  readonly services: { readonly plugins: PluginHost; readonly kit: ServiceKit; readonly links: ServiceLinks; readonly backup: ServiceBackup };
  readonly schedulers: SchedulersService;
  readonly swarmSetup: SwarmSetup;
  /** nodes:drain and nodes:remove (admins only). */
  readonly swarmNodes: SwarmNodeOps;
  /** The router agents on the managers (router:report, router:forget). */
  readonly routers: { report(): Promise<RouterReport>; forget(name: string): Promise<void> };
  /** `router:deploy` / `router:remove`: the berth-router swarm service. */
  readonly routerFleet: RouterFleet;
  readonly registryLogins: RegistryLogins;
  readonly notifications: Pick<NotificationsService, 'add' | 'list' | 'remove' | 'test' | 'smtp' | 'setSmtp'>;
  /** Scheduled service backups (app/backups). */
  readonly serviceBackups: ServiceBackups;
  /** berth's own backup and restore (backup:create, backup:restore). */
  readonly berthBackup: Pick<BerthBackup, 'prepare'>;
  /** berth's backups kept on the server or in S3, the schedule, restores (then the schedules re-read). */
  readonly berthBackups: BerthBackups;
  readonly statsSampler: Pick<StatsSampler, 'samplesOf'>;
  /** The metrics history the app page's charts and GET /apps/:app/metrics read. */
  readonly metricsHistory: Pick<MetricsService, 'history'>;
  readonly containers: ContainerView;
  /** GET /metrics: every app's processes, containers and deploy jobs, read now. */
  metrics(): Promise<MetricsFacts>;
  /** `apps:disk`: what an app keeps on this host. */
  readonly disk: { report(app: string): Promise<AppDiskReport> };
  /** `berth cleanup` and the disk watch. */
  readonly housekeeping: Pick<Housekeeping, 'cleanup' | 'checkDisk'>;
  /** `berth export` / `berth apply`: the server in one file (admins only). */
  readonly serverFile: Pick<ServerFile, 'export' | 'apply'>;
  /** git over HTTP and the pre-receive hook's endpoint (app/builds/push-gate.ts). */
  readonly pushGate: PushGate;
  /** berth's own HTTPS address (BERTH_HOSTNAME) and the git remotes on it. */
  readonly ownAddress: Pick<OwnAddress, 'remotes' | 'baseUrl'>;
  /** An app's default URL (`http://<app>.<BERTH_DOMAIN>`). */
  urlOf(app: string): string;
  readonly web: WebSettings;
  /** `berth version`: berth's version (package.json), its git commit if known, the database's schema version. */
  version(): BerthVersion;
}

/** `berth version`'s answer: the API contract's shape (app/api-contract/app-settings.ts). */
export type BerthVersion = VersionResponse;
