import type { BuildStatus } from '../api-contract/builds';
import type { AppManifest } from '../manifest';
/** Durable state. infra/sqlite implements it; every method is synchronous and atomic. */

export interface AppRecord {
  /** Stable for the app's life (a rename keeps it, a new app of the same name gets another): names its network and volumes. */
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  /** The branch whose pushes deploy. */
  readonly deployBranch: string;
  /** `dockerfile`, `buildpack`, `image`, or null for auto-detection. */
  readonly builder: string | null;
  /** Forced buildpack name, or null for detection. */
  readonly buildpack: string | null;
  /** e.g. `unless-stopped`, `on-failure:5`. */
  readonly restartPolicy: string;
  readonly memoryMb: number | null;
  readonly cpus: number | null;
  /** `apps:lock`: no build (push, deploy, restart, config release) is queued while set. */
  readonly locked?: boolean;
}

export type AppPatch = Partial<Omit<AppRecord, 'id' | 'name' | 'createdAt'>>;

export interface AppsStore {
  insert(name: string): AppRecord;
  get(name: string): AppRecord | null;
  list(): AppRecord[];
  rename(from: string, to: string): void;
  update(name: string, patch: AppPatch): AppRecord;
  remove(name: string): void;
}

export interface ConfigStore {
  get(app: string): Record<string, string>;
  /** Applies sets and unsets together. */
  apply(app: string, set: Readonly<Record<string, string>>, unset: readonly string[]): void;
}

export interface EventRecord {
  readonly id: number;
  readonly app: string | null;
  readonly kind: string;
  readonly message: string;
  readonly user: string | null;
  /** Where the change came from: api, cli, git, dashboard, ssh; null when berth did it itself. */
  readonly source?: string | null;
  readonly at: string;
}

export interface EventsStore {
  add(event: Omit<EventRecord, 'id' | 'at'>): EventRecord;
  list(filter: { readonly app?: string; readonly limit: number }): EventRecord[];
  /** Removes the events recorded before `at` (ISO time), or with `dryRun` only counts them; how many. */
  pruneBefore(at: string, o: { readonly dryRun: boolean }): number;
}

export interface UserRecord {
  readonly id: number;
  readonly name: string;
  readonly role: 'admin' | 'developer' | 'viewer';
}

export interface UsersStore {
  ensureUser(name: string, role: UserRecord['role']): UserRecord;
  /** Stores the SHA-256 of the token, never the token. */
  addToken(userId: number, tokenHash: string, label: string): void;
  /** The token's user; null for an unknown or expired token. */
  findByTokenHash(tokenHash: string): UserRecord | null;
}

// One list of build states: the API's (app/api-contract, a leaf) is the one stored.
export type { BuildStatus };

export interface BuildRecord {
  readonly id: number;
  readonly app: string;
  readonly kind: string;
  readonly status: BuildStatus;
  /** For pushes: the commit; for image deploys: the image. */
  readonly source: string;
  /** Tar snapshot of the source, deleted when the build ends. */
  readonly snapshotPath: string | null;
  readonly user: string | null;
  readonly error: string | null;
  readonly releaseVersion: number | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface BuildsStore {
  create(build: Pick<BuildRecord, 'app' | 'kind' | 'source' | 'snapshotPath' | 'user'>): BuildRecord;
  get(app: string, id: number): BuildRecord | null;
  getById(id: number): BuildRecord | null;
  list(app: string, limit: number): BuildRecord[];
  listByStatus(statuses: readonly BuildStatus[]): BuildRecord[];
  markRunning(id: number): void;
  finish(id: number, outcome: { status: BuildStatus; error?: string | null; releaseVersion?: number | null }): void;
}

export interface ReleaseRecord {
  readonly app: string;
  readonly version: number;
  readonly image: string;
  readonly gitSha: string | null;
  readonly config: Readonly<Record<string, string>>;
  readonly processes: Readonly<Record<string, string>>;
  /** Port the web process listens on. */
  readonly port: number;
  /** The app.json text the release was built with (null: none); shown, never parsed again. */
  readonly appJson?: string | null;
  /** app.json parsed once at build time (checks, scripts, cron, formation). */
  readonly manifest: AppManifest;
  /** Dockerfile builds: port mappings from EXPOSE (`http:3000:3000`), used when the app has none; else null. */
  readonly detectedPorts?: readonly string[] | null;
  readonly description: string;
  readonly user: string | null;
  readonly createdAt: string;
}

export interface ReleasesStore {
  /** Creates the next version number for the app. */
  create(release: Omit<ReleaseRecord, 'version' | 'createdAt'>): ReleaseRecord;
  get(app: string, version: number): ReleaseRecord | null;
  list(app: string): ReleaseRecord[];
  /** The release that is live (deployed last and succeeded). */
  current(app: string): ReleaseRecord | null;
  setCurrent(app: string, version: number): void;
  /** Deletes a release that never went live (its deploy failed). */
  remove(app: string, version: number): void;
}

export interface DomainsStore {
  list(app: string): string[];
  owner(domain: string): string | null;
  add(app: string, domain: string): void;
  remove(app: string, domain: string): void;
}

export interface FormationStore {
  /** Process type → count. Types missing from the map default to 1 for web and 0 otherwise. */
  get(app: string): Record<string, number>;
  set(app: string, scale: Readonly<Record<string, number>>): void;
}

export interface Store {
  readonly apps: AppsStore;
  readonly config: ConfigStore;
  readonly events: EventsStore;
  readonly users: UsersStore;
  readonly access: import('./access').AccessStore;
  readonly builds: BuildsStore;
  readonly releases: ReleasesStore;
  readonly domains: DomainsStore;
  readonly formation: FormationStore;
  readonly processState: import('./process-state').ProcessStateStore;
  readonly mounts: import('./process-state').MountsStore;
  readonly sessions: import('./sessions').SessionsStore;
  readonly services: import('./services').ServicesStore;
  readonly plugins: import('./plugin-state').PluginStateStore;
  readonly globalDomains: import('./routing-store').GlobalDomainsStore;
  readonly ports: import('./routing-store').PortsStore;
  readonly routerSettings: import('./routing-store').RouterSettingsStore;
  /** builder-dockerfile settings and build docker-options per app (same key/value shape). */
  readonly buildSettings: import('./routing-store').RouterSettingsStore;
  /** Per-app deploy settings (`checks:disable/skip`: app/deploys/checks-settings.ts). */
  readonly deploySettings: import('./routing-store').RouterSettingsStore;
  /** Each release's watch after its deploy (app/deploys/deploy-watch.ts). */
  readonly deployWatches: import('./deploy-watches').DeployWatchesStore;
  /** A review app's parent, branch and the services made for it (app/review-apps; same key/value shape). */
  readonly reviewApps: import('./routing-store').RouterSettingsStore;
  readonly registryLogins: RegistryLoginsStore;
  /** git:sync credentials, forge webhooks and their deliveries (app/forge). */
  readonly forge: import('./forge').ForgeStore;
  /** Notification targets and SMTP settings (app/notifications). */
  readonly notifications: import('./notifications').NotificationsStore;
  readonly certs: import('./routing-store').CertsStore;
  readonly schedulers: import('./scheduler-state').SchedulerStateStore;
  readonly drains: import('./drains').DrainsStore;
  readonly drainSettings: import('./drains').DrainSettingsStore;
  /** Service backup schedules, backups made and S3 logins (app/backups). */
  readonly serviceBackups: import('./service-backups').ServiceBackupsStore;
  /** Database dumps taken before release commands (app/snapshots). */
  readonly releaseSnapshots: import('./release-snapshots').ReleaseSnapshotsStore;
  /** The metrics history (app/metrics): CPU, memory, restarts and router requests in tiers. */
  readonly metrics: import('./metrics-store').MetricsStore;
  readonly logDrains: import('./log-drains').LogDrainsStore;
  transaction<T>(fn: () => T): T;
  /** The database's schema version: its highest applied migration (`berth version`). */
  schemaVersion(): number;
  close(): void;
}

/** Credentials for one container registry (`registry:login`); the password is sealed at rest. */
export interface RegistryLogin {
  /** `host[:port]` as it starts image names (`docker.io` for Docker Hub). */
  readonly server: string;
  readonly username: string;
  readonly password: string;
}

export interface RegistryLoginsStore {
  get(server: string): RegistryLogin | null;
  /** Servers and users only: passwords never leave through a list. */
  list(): Array<Omit<RegistryLogin, 'password'>>;
  set(login: RegistryLogin): void;
  remove(server: string): boolean;
}
