import assert from 'node:assert/strict';
import type { AppDomainsResponse, LetsencryptResponse, MountsResponse, PortsReport, AppResponse, AppsListResponse, BuildsListResponse, ConfigChangeResponse, ProcessReportResponse } from '../../app/api-contract';
import type { AppProcessReport as ServerReport } from '../../app/processes';
import type { DomainsReport as ServerDomains } from '../../app/domains';
import type { CertReport as ServerCert } from '../../app/certs/certs-service';
import type { ProcessReportResponse as CliReportResponse } from '../../app/cli/api-types';
import type { AppDetail as CliAppDetail } from '../../app/cli/api-types';
import type { AppInfo } from '../../app/apps';
import type { BuildRecord, UserRecord } from '../../app/ports/store';
import type { TokenInfo, SshKeyRecord } from '../../app/ports/access';
import type { TokenView, SshKeyView, UserView, UsersListResponse, TokensListResponse } from '../../app/api-contract';
import type { PluginListEntry, PluginVerbEntry } from '../../app/plugins/host';
import type { WebhookInfo } from '../../app/ports/forge';
import type { RegistryLogin } from '../../app/ports/store';
import type { NginxReport } from '../../app/domains/routing-service';
import type { PluginView, PluginVerbView, RegistryLoginView, WebhooksListResponse, GitAuthResponse, NginxSettingsView, NginxConfigResponse } from '../../app/api-contract';
import type { BuildSettings } from '../../app/builds/build-settings';
import type { ChecksReport } from '../../app/deploys/checks-settings';
import type { ChecksRun } from '../../app/deploys/checks-run';
import type { ProxyReport } from '../../app/domains/routing-service';
import type { BuilderDockerfileReport, ChecksView, ChecksRunResponse, ProxyResponse } from '../../app/api-contract';
import type { ServiceInfo } from '../../app/services-kit/service-kit';
import type { LinkResult } from '../../app/services-kit/service-links';
import type { ServiceView, ServiceLinkResponse, ServicesListResponse } from '../../app/api-contract';
import type { SshKeysResponse as CliKeys, TokenCreateResponse as CliTokenCreated } from '../../app/cli/api-types';
import type { SchedulerReport } from '../../app/schedulers/schedulers-service';
import type { SwarmInitResult, SwarmAddNode } from '../../app/schedulers/swarm-setup';
import type { SwarmNode } from '../../app/ports/swarm';
import type { RouterReport, RouterRow } from '../../app/domains/router-status';
import type { SchedulerReportView, NodeView, SwarmInitView, NodeAddResponse, NodesListResponse, SchedulerSetResponse, NodesListedResponse, RouterReportResponse } from '../../app/api-contract';
import type { SchedulerReportResponse as CliSchedulerReport } from '../../app/cli/api-types';
import type { BackupView as ServerBackup, ScheduleView as ServerSchedule } from '../../app/backups/service-backups';
import type { BerthBackupView as ServerBerthBackup, BerthScheduleView as ServerBerthSchedule } from '../../app/backups/berth-backups';
import type { BerthBackup } from '../../app/backups/berth-backup';
import type { TargetView } from '../../app/notifications';
import type { NotificationTargetRecord, SmtpSettings } from '../../app/ports/notifications';
import type { LogDrainView as ServerDrain } from '../../app/log-drains';
import type { WatchSettings } from '../../app/deploys';
import type { DeployWatchRecord } from '../../app/ports/deploy-watches';
import type { ApplyResult } from '../../app/server-file';
import type { MetricsHistory } from '../../app/metrics';
import type { AppSettings } from '../../app/apps/app-settings';
import type { CronJob } from '../../app/ports/cron-scheduler';
import type { RollbackPlan } from '../../app/releases/releases-service';
import type { RemoteUrls } from '../../app/own-address/own-address-service';
import type { RollbackPlanView, RollbackPlanResponse, GitRemotesResponse, NetworkResponse } from '../../app/api-contract';
import type { AppSettingsResponse, CronListResponse, VersionResponse } from '../../app/api-contract';
import type {
  NotificationTargetView, NotificationsListResponse, SmtpView, LogDrainView, LogDrainsResponse, WatchSettingsView, DeployWatchView, DeployWatchResponse,
  ServerApplyResponse, MetricsHistoryResponse,
} from '../../app/api-contract';
import type { NotificationAddResponse as CliAdded } from '../../app/cli/api-types';
import type { BackupRecord, BackupSchedule, RestoreVerification, S3Login } from '../../app/ports/service-backups';
import type { ServiceBackupView, ServiceBackupScheduleView, ServiceBackupsResponse, VerificationView, S3LoginsResponse, BerthBackupsResponse, BerthScheduleView, BerthRestoredView } from '../../app/api-contract';

/*
 * One typed API contract (app/api-contract) shared by the server and the CLI (issue 18). The
 * routes check their answers with `satisfies` and the CLI reads them through the same types, so a
 * drift is a compile error on both sides. The `@ts-expect-error` lines below are the proof, checked
 * at every build: if a drift stopped being an error, tsc would fail on the unused directive.
 */

/** What GET /api/v1/apps/:app answers (AppsService.info) is what the CLI reads. */
const answer = (info: AppInfo): AppResponse => ({ app: info });
const cliReads = (r: AppResponse): CliAppDetail => r.app;

// A server whose app record renamed a field no longer satisfies the contract:
type ServerRenamed = Omit<AppInfo, 'deployBranch'> & { readonly branch: string };
// @ts-expect-error deployBranch is missing from the answer
const drifted = (info: ServerRenamed): AppResponse => ({ app: info });
// A server that changes a field's type neither:
// @ts-expect-error url must stay a string (or null)
const wrongType = (info: AppInfo): AppResponse => ({ app: { ...info, url: 8080 } });
// A CLI that reads a field the contract lacks does not compile:
// @ts-expect-error the contract has no `branch`
const readsMissing = (r: AppResponse): string => r.app.branch;
// Builds answered with their one-line description; a list without it is refused:
// @ts-expect-error description is part of each listed build
const noDescription = (b: BuildRecord): BuildsListResponse => ({ builds: [b] });
// ps:report, domains and config answer the contract's shapes too; the server's types are the contract's:
const psAnswer = (r: ServerReport): CliReportResponse => ({ report: r });
// @ts-expect-error the limits that apply are part of the report
const noApplied = (r: Omit<ServerReport, 'applied'>): ProcessReportResponse => ({ report: r });
// @ts-expect-error `all` (what the router serves) is part of an app's domains
const noAll = (d: Omit<ServerDomains, 'all'>): AppDomainsResponse => ({ domains: d });
// @ts-expect-error a config change says whether anything changed
const noChanged = (config: Record<string, string>): ConfigChangeResponse => ({ config, build: null });
// @ts-expect-error ports:report says which mappings the router uses
const noInUse = (ports: string[]): PortsReport => ({ ports, source: 'ports:set' });
// @ts-expect-error a mount says whether it is a volume or a host folder
const noKind = (m: { app: string; source: string; target: string; createdAt: string }): MountsResponse => ({ mounts: [m] });
// @ts-expect-error a certificate shown by letsencrypt says when it expires
const noExpiry = (app: string, cert: Omit<ServerCert, 'expiresInDays'>): LetsencryptResponse => ({ letsencrypt: { app, enabled: true, cert } });

// People (users, tokens, SSH keys): the stores' records are what the API answers, field for field.
const tokenAnswer = (t: TokenInfo): TokenView => t;
const keyAnswer = (k: SshKeyRecord): SshKeyView => k;
const userAnswer = (u: UserRecord): UserView => u;
// @ts-expect-error a token list without when each token expires
const noExpires = (t: Omit<TokenInfo, 'expiresAt'>): TokensListResponse => ({ tokens: [t] });
// @ts-expect-error a role is one of three words, not any string
const anyRole = (u: { name: string; role: string; apps: string[] }): UsersListResponse => ({ users: [u] });
// @ts-expect-error a key is shown by its fingerprint
const noFingerprint = (k: Omit<SshKeyRecord, 'fingerprint'>): CliKeys => ({ keys: [k] });
// @ts-expect-error the CLI cannot read a token's value from a list (the contract never carries it)
const readsValue = (r: TokensListResponse): string => r.tokens[0].token;

// Plugins, registry logins, forge and nginx settings: what the server holds is what the contract shows.
const pluginAnswer = (p: PluginListEntry): PluginView => p;
const verbAnswer = (v: PluginVerbEntry): PluginVerbView => v;
const loginAnswer = (l: Omit<RegistryLogin, 'password'>): RegistryLoginView => l;
const nginxAnswer = (n: NginxReport): NginxSettingsView => n;
// @ts-expect-error a refused plugin says why
const noError = (p: Omit<PluginListEntry, 'error'>): PluginView => p;
// @ts-expect-error a webhook is listed with the URL to give the forge, not only as stored
const noUrl = (w: WebhookInfo): WebhooksListResponse => ({ webhooks: [w] });
// @ts-expect-error git credentials are a token or a key, not any word
const anyKind = (a: { kind: string; username: string | null }): GitAuthResponse => ({ auth: a });
// @ts-expect-error the generated config is text (or null before a deploy)
const configNumber = (n: number): NginxConfigResponse => ({ config: n });

// Build settings, checks and the proxy switch.
const builderAnswer = (r: ReturnType<BuildSettings['report']>): BuilderDockerfileReport => r;
const checksAnswer = (c: ChecksReport): ChecksView => c;
const checksRunAnswer = (c: ChecksRun): ChecksRunResponse => c;
const proxyAnswer = (p: ProxyReport): ProxyResponse => ({ proxy: p });
// @ts-expect-error the builder report says whether BuildKit builds
const noBuildkit = (r: Omit<ReturnType<BuildSettings['report']>, 'buildkit'>): BuilderDockerfileReport => r;
// @ts-expect-error skipped checks are part of the report
const noSkipped = (c: Omit<ChecksReport, 'skipped'>): ChecksView => c;
// @ts-expect-error the proxy is nginx, not any word
const anyProxy = (p: { enabled: boolean; type: string }): ProxyResponse => ({ proxy: p });

// Services: the kit's ServiceInfo is the contract's ServiceView itself; its link results must fit the contract.
const linkAnswer = (l: LinkResult): ServiceLinkResponse => l;
// @ts-expect-error a service says which scheduler runs it, one of two
const anyScheduler = (i: Omit<ServiceInfo, 'scheduler'> & { scheduler: string }): ServicesListResponse => ({ services: [i] });
// @ts-expect-error a link answer says whether a re-release was queued
const noBuild = (l: Omit<LinkResult, 'build'>): ServiceLinkResponse => l;

// Schedulers and swarm nodes: the service's report, the engine's nodes and swarm:init's answer are what the contract shows.
const schedulerAnswer = (r: SchedulerReport): SchedulerReportView => r;
const nodeAnswer = (n: SwarmNode): NodeView => n;
const addAnswer = (n: SwarmAddNode): NodeAddResponse => ({ node: n });
// @ts-expect-error a node's labels are text, not any value
const labelsAny = (n: Omit<SwarmNode, 'labels'> & { labels: Record<string, unknown> }): NodesListResponse => ({ nodes: [n] });
// @ts-expect-error an app's scheduler is one of two, not any word
const schedulerWord = (scheduler: string): SchedulerSetResponse => ({ scheduler });
// @ts-expect-error the CLI cannot read a scheduler report without where each process runs
const noStatus = (r: CliSchedulerReport): number => r.scheduler.processes.length;
// Router agents: the routers module's report is the contract's RouterReportView (an alias), which router:report and berth nodes read.
// @ts-expect-error a router's state is one of five, not any word
const routerStateWord = (r: Omit<RouterRow, 'state'> & { state: string }): RouterReportResponse => ({ routers: { version: 1, publishedAt: 0, routers: [r] } });
// @ts-expect-error berth nodes says the feed's version beside each node's router
const noRouteVersion = (n: SwarmNode): NodesListedResponse => ({ nodes: [{ ...n, router: null }] });

// Service backups and berth's own: what the backups module answers is what the contract shows; secrets never fit.
const backupAnswer = (b: ServerBackup): ServiceBackupView => b;
const scheduleAnswer = (sc: ServerSchedule): ServiceBackupScheduleView => sc;
const verificationAnswer = (v: RestoreVerification): VerificationView => v;
const berthBackupsAnswer = (backups: ServerBerthBackup[], schedule: ServerBerthSchedule): BerthBackupsResponse => ({ backups, schedule, verifications: [], lastVerified: null });
const restoredAnswer = (r: Awaited<ReturnType<BerthBackup['restore']>>): BerthRestoredView => r;
// @ts-expect-error a backup as stored carries its passphrase, which never leaves the server
const withPassphrase = (b: BackupRecord): ServiceBackupsResponse => ({ backups: [{ ...b, encrypted: true }], schedules: [], verifications: [], lastVerified: null, stale: [] });
// @ts-expect-error a schedule as stored carries its passphrase too
const scheduleSecret = (sc: BackupSchedule): ServiceBackupScheduleView => ({ ...sc, encrypted: sc.passphrase !== null });
// @ts-expect-error an S3 login is listed without its keys
const s3Keys = (l: S3Login): S3LoginsResponse => ({ logins: [l] });
// @ts-expect-error berth's schedule says whether it is the default
const noDefault = (sc: Omit<ServerBerthSchedule, 'isDefault'>): BerthScheduleView => sc;

// Notifications, log drains, deploy watches, the server file and the metrics history.
const targetAnswer = (t: TargetView): NotificationTargetView => t;
const smtpAnswer = (sm: Omit<SmtpSettings, 'password'>): SmtpView => sm;
const drainAnswer = (d: ServerDrain): LogDrainView => d;
const watchSettingsAnswer = (w: WatchSettings): WatchSettingsView => w;
const watchAnswer = (w: DeployWatchRecord): DeployWatchView => w;
const applyAnswer = (a: ApplyResult): ServerApplyResponse => a;
const metricsAnswer = (m: MetricsHistory): MetricsHistoryResponse => m;
// @ts-expect-error a target as stored carries the webhook's signing secret, which a list never does
const targetSecret = (t: NotificationTargetRecord): NotificationsListResponse => ({ targets: [t] });
// @ts-expect-error the SMTP settings are shown without their password
const smtpPassword = (sm: SmtpSettings): NotificationsListResponse => ({ targets: [], smtp: sm });
// @ts-expect-error the CLI cannot read a secret from the added target (it comes beside it, once)
const readsTargetSecret = (r: CliAdded): string => r.target.secret;
// @ts-expect-error a drain's state is one of three words
const drainState = (d: Omit<ServerDrain, 'status'> & { status: { state: string; delivered: number; dropped: number; buffered: number; lastError: null; lastDeliveredAt: null } }): LogDrainsResponse => ({ drains: [d] });
// @ts-expect-error a watch's action is rollback or watch, not any word
const watchAction = (w: Omit<WatchSettings, 'action'> & { action: string }, watches: DeployWatchRecord[]): DeployWatchResponse => ({ settings: w, watches });
// @ts-expect-error an apply lists its changes one per line
const applyText = (a: { changes: string; applied: boolean }): ServerApplyResponse => a;
// @ts-expect-error the history's range is one of three
const anyRange = (m: Omit<MetricsHistory, 'range'> & { range: string }): MetricsHistoryResponse => m;

// The builder and git settings, an app's cron list and the version.
const settingsAnswer = (a: ReturnType<AppSettings['setBuilder']>): AppSettingsResponse => ({ app: a });
const cronAnswer = (jobs: CronJob[]): CronListResponse => ({ cron: jobs.map((j) => ({ name: j.name, schedule: j.schedule, command: j.command })) });
// @ts-expect-error the settings answer is the whole app, its deploy branch too
const noBranch = (a: Omit<ReturnType<AppSettings['setDeployBranch']>, 'deployBranch'>): AppSettingsResponse => ({ app: a });
// @ts-expect-error a cron entry's schedule is its expression, not a number
const numericSchedule = (name: string, command: string): CronListResponse => ({ cron: [{ name, command, schedule: 5 }] });
// @ts-expect-error the schema version is a number
const schemaText = (version: string): VersionResponse => ({ version, commit: null, schema: '28' });

// The rollback plan, the push URLs and the apps' networks.
const planAnswer = (p: RollbackPlan): RollbackPlanView => p;
const remotesAnswer = (r: RemoteUrls | null): GitRemotesResponse => ({ remotes: r });
// @ts-expect-error a plan names the config vars that change, never their values (viewers read it)
const planValues = (p: Omit<RollbackPlan, 'config'>, values: Record<string, string>): RollbackPlanResponse => ({ plan: { ...p, config: { added: values, removed: [], changed: [] } } });
// @ts-expect-error network:info lists the running containers by name
const containerCount = (n: { name: string; app: string }, containers: number): NetworkResponse => ({ network: { ...n, driver: 'bridge', containers } });

describe('the API contract shared by server and CLI', () => {
  it('an app as the server answers it reads back as the CLI reads it, field for field', () => {
    const info: AppInfo = {
      id: 'u1', name: 'shop', createdAt: 'now', deployBranch: 'main', builder: null, buildpack: null, restartPolicy: 'unless-stopped',
      memoryMb: null, cpus: null, locked: false, currentRelease: 3, domains: ['shop.test'], url: 'http://shop.test',
    };
    const read = cliReads(JSON.parse(JSON.stringify(answer(info))) as AppResponse);
    assert.equal(read.deployBranch, 'main');
    assert.equal(read.currentRelease, 3);
    assert.deepEqual(read.domains, ['shop.test']);
    const list: AppsListResponse = { apps: [{ ...info, status: 'running' }] };
    assert.equal(list.apps[0].status, 'running');
    // The drifted shapes above exist only for tsc.
    assert.deepEqual([drifted, wrongType, readsMissing, noDescription, psAnswer, noApplied, noAll, noChanged, noInUse, noExpiry, noKind].map((f) => typeof f), Array(11).fill('function'));
  });

  it('users, tokens and SSH keys as the stores hold them read back as the CLI reads them', () => {
    const token: TokenInfo = { name: 'ci', createdAt: '2026-12-01', expiresAt: null, scope: null };
    const key: SshKeyRecord = { fingerprint: 'SHA256:abc', user: 'ana', name: 'laptop', publicKey: 'ssh-ed25519 AAAA', createdAt: '2026-12-02' };
    const wire = JSON.parse(JSON.stringify({ tokens: [tokenAnswer(token)], keys: [keyAnswer(key)], user: userAnswer({ id: 7, name: 'ana', role: 'viewer' }) })) as TokensListResponse & CliKeys & { user: UserView };
    assert.equal(wire.tokens[0].expiresAt, null);
    assert.equal(wire.keys[0].fingerprint, 'SHA256:abc');
    assert.equal(wire.user.role, 'viewer');
    const created: CliTokenCreated = { name: 'ci', token: 'secret', scope: null };
    assert.equal(created.scope, null);
    assert.deepEqual([noExpires, anyRole, noFingerprint, readsValue].map((f) => typeof f), Array(4).fill('function'));
  });

  it('plugins, plugin verbs, registry logins and nginx settings as the server holds them read back as the CLI reads them', () => {
    const plugin: PluginListEntry = { id: 'redis', version: '1.0.0', status: 'refused', origin: 'installed', dir: '/p', service: true, description: null, error: { code: 'PLUGIN_INVALID_MANIFEST', message: 'no main' } };
    const verb: PluginVerbEntry = { plugin: 'redis', name: 'redis:info', usage: 'berth redis:info', summary: 's', method: 'GET', path: '/info' };
    const wire = JSON.parse(JSON.stringify({
      plugins: [pluginAnswer(plugin)], verbs: [verbAnswer(verb)], logins: [loginAnswer({ server: 'r.test:5000', username: 'u' })],
      nginx: nginxAnswer({ app: 'shop', settings: { 'client-max-body-size': '5m' }, known: {} }),
    })) as { plugins: PluginView[]; verbs: PluginVerbView[]; logins: RegistryLoginView[]; nginx: NginxSettingsView };
    assert.equal(wire.plugins[0].error?.code, 'PLUGIN_INVALID_MANIFEST');
    assert.equal(wire.verbs[0].method, 'GET');
    assert.deepEqual(wire.logins, [{ server: 'r.test:5000', username: 'u' }]);
    assert.equal(wire.nginx.settings['client-max-body-size'], '5m');
    assert.deepEqual([noError, noUrl, anyKind, configNumber].map((f) => typeof f), Array(4).fill('function'));
  });

  it('build settings, checks and the proxy switch as the server answers them read back as the CLI reads them', () => {
    const wire = JSON.parse(JSON.stringify({
      builder: builderAnswer({ 'dockerfile-path': 'Dockerfile', 'build-dir': null, buildkit: true, 'docker-options-build': ['--build-arg A=1'] }),
      checks: checksAnswer({ disabled: ['_all_'], skipped: [] }), run: checksRunAnswer({ passed: false, lines: ['web.1 failed'] }),
      proxy: proxyAnswer({ enabled: false, type: 'nginx' }),
    })) as { builder: BuilderDockerfileReport; checks: ChecksView; run: ChecksRunResponse; proxy: ProxyResponse };
    assert.equal(wire.builder['build-dir'], null);
    assert.deepEqual(wire.builder['docker-options-build'], ['--build-arg A=1']);
    assert.deepEqual(wire.checks.disabled, ['_all_']);
    assert.equal(wire.run.passed, false);
    assert.equal(wire.proxy.proxy.enabled, false);
    assert.deepEqual([noBuildkit, noSkipped, anyProxy].map((f) => typeof f), Array(3).fill('function'));
  });

  it('a service and a link as the kit answers them read back as the CLI reads them', () => {
    const info: ServiceInfo = {
      plugin: 'postgres', name: 'db', image: 'berth/postgres:16', status: 'running', scheduler: 'docker-local', placement: [], node: null, nodeId: null,
      address: 'berth-svc-postgres-db:5432', container: 'berth-svc-postgres-db', volume: 'berth-svc-postgres-db', url: 'postgres://u:p@h/db',
      exposedUrl: null, exposedPort: null, links: [{ app: 'shop', alias: 'DATABASE_URL' }], createdAt: 'now',
    };
    const wire = JSON.parse(JSON.stringify({ service: info, link: linkAnswer({ link: { plugin: 'postgres', service: 'db', app: 'shop', alias: 'DATABASE_URL', createdAt: 'now' }, build: null }) })) as { service: ServiceView; link: ServiceLinkResponse };
    assert.deepEqual(wire.service.links, [{ app: 'shop', alias: 'DATABASE_URL' }]);
    assert.equal(wire.service.exposedPort, null);
    assert.equal(wire.link.build, null);
    assert.equal(wire.link.link.alias, 'DATABASE_URL');
    assert.deepEqual([anyScheduler, noBuild].map((f) => typeof f), Array(2).fill('function'));
  });

  it('a scheduler report, swarm nodes and swarm:init as the server answers them read back as the CLI reads them', () => {
    const report: SchedulerReport = {
      app: 'shop', setting: null, scheduler: 'swarm', placement: ['node.labels.zone==a'],
      status: { scheduler: 'swarm', processes: [{ type: 'web', desired: 2, running: 1, instances: [{ name: 'web.1', node: 'n1', state: 'running', address: '10.0.0.5:5000' }], problem: null }] },
    };
    const node: SwarmNode = { id: 'abc', hostname: 'n1', role: 'manager', status: 'ready', availability: 'active', addr: '10.0.0.5', leader: true, labels: { zone: 'a' } };
    const init: SwarmInitResult = { created: true, managerAddr: '10.0.0.5:2377', joinCommand: 'docker swarm join …', registry: '127.0.0.1:5000', registryReachable: false, registryCa: null };
    const wire = JSON.parse(JSON.stringify({
      report: { scheduler: schedulerAnswer(report) }, nodes: { nodes: [nodeAnswer(node)] }, init: { swarm: init },
      add: addAnswer({ ...init, role: 'worker' }),
    })) as { report: CliSchedulerReport; nodes: NodesListResponse; init: { swarm: SwarmInitView }; add: NodeAddResponse };
    assert.equal(wire.report.scheduler.setting, null);
    assert.equal(wire.report.scheduler.status.processes[0].instances[0].node, 'n1');
    assert.deepEqual(wire.nodes.nodes[0].labels, { zone: 'a' });
    assert.equal(wire.init.swarm.registryCa, null);
    assert.equal(wire.add.node.role, 'worker');
    assert.deepEqual([labelsAny, schedulerWord, noStatus].map((f) => typeof f), Array(3).fill('function'));
  });

  it('a router report as the routers module makes it reads back as router:report and berth nodes read it', () => {
    const row: RouterRow = { name: 'm2', nodeId: 'abc', address: '10.0.0.6', version: 7, appliedAt: 1, seenAt: 2, state: 'failing', problem: 'router m2 …', failures: [{ app: 'shop', message: 'bad cert' }] };
    const wire = JSON.parse(JSON.stringify({ routers: { version: 8, publishedAt: 3, routers: [row] } satisfies RouterReport })) as RouterReportResponse;
    assert.equal(wire.routers.routers[0].state, 'failing');
    assert.equal(wire.routers.routers[0].failures[0].app, 'shop');
    const listed: NodesListedResponse = { nodes: [{ id: 'abc', hostname: 'n2', role: 'manager', status: 'ready', availability: 'active', addr: '10.0.0.6', leader: false, labels: {}, router: { name: 'm2', version: 7, state: 'failing' } }], routeVersion: 8 };
    assert.equal(JSON.parse(JSON.stringify(listed)).nodes[0].router.version, 7);
    assert.deepEqual([routerStateWord, noRouteVersion].map((f) => typeof f), Array(2).fill('function'));
  });

  it('backups, schedules, verifications and S3 logins as the server answers them read back as the CLI reads them', () => {
    const v: RestoreVerification = { id: 1, plugin: 'postgres', service: 'db', backupId: 'b1', schedule: 'daily', ok: true, tables: { t: 2 }, keys: null, sample: [], problems: [], verifiedAt: 'now', seconds: 3 };
    const b: ServerBackup = { id: 'b1', plugin: 'postgres', service: 'db', schedule: 'daily', target: 'dir:/b', key: 'k', size: 10, createdAt: 'now', encrypted: true, verification: v };
    const wire = JSON.parse(JSON.stringify({
      list: { backups: [backupAnswer(b)], schedules: [scheduleAnswer({ plugin: 'postgres', service: 'db', name: 'daily', schedule: '@daily', keep: 3, target: 'dir:/b', encrypted: false })], verifications: [verificationAnswer(v)], lastVerified: v, stale: [] },
      berth: berthBackupsAnswer([{ name: 'berth-backup-1.tar', target: 'dir:.', size: 5, createdAt: 'now', scheduled: true }], { schedule: '@daily', keep: 7, target: 'dir:.', enabled: true, isDefault: true }),
      restored: restoredAnswer({ apps: ['shop'], services: [], builds: [{ app: 'shop', build: 1, status: 'queued' }] }),
    })) as { list: ServiceBackupsResponse; berth: BerthBackupsResponse; restored: BerthRestoredView };
    assert.equal(wire.list.backups[0].encrypted, true);
    assert.equal(wire.list.backups[0].verification?.tables?.t, 2);
    assert.equal(wire.list.schedules[0].keep, 3);
    assert.equal(wire.berth.schedule.isDefault, true);
    assert.equal(wire.restored.builds[0].build, 1);
    assert.deepEqual([withPassphrase, scheduleSecret, s3Keys, noDefault].map((f) => typeof f), Array(4).fill('function'));
  });

  it('notification targets, log drains, deploy watches, an apply and the metrics history as the server answers them read back as the CLI reads them', () => {
    const target: TargetView = { id: 4, app: 'shop', type: 'webhook', url: 'https://hooks.test/x', createdBy: 'ana', createdAt: 'now', lastStatus: 'never', lastAt: null, lastEvent: null, lastError: null, delivered: 0, failed: 0 };
    const settings: WatchSettings = { window: 300, action: 'rollback', restarts: 3, unhealthy: 2, errorRate: 0.2, minRequests: 20 };
    const watch: DeployWatchRecord = { app: 'shop', version: 2, previous: 1, action: 'rollback', startedAt: 'a', endsAt: 'b', status: 'rolled-back', reason: '5xx', updatedAt: 'b' };
    const history: MetricsHistory = {
      app: 'shop', range: '1h', step: 60, t: [0], processes: [{ process: 'web', cpu: [null], memory: [1], memoryLimit: null, restarts: [0] }],
      requests: { rate: [0], s2xx: [0], s3xx: [0], s4xx: [0], s5xx: [0], p50: [null], p95: [null], total: { requests: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0, p50: null, p95: null } },
    };
    const wire = JSON.parse(JSON.stringify({
      added: { target: targetAnswer(target), secret: 'abc' }, smtp: smtpAnswer({ host: 'mail.test', port: 587, secure: false, user: null, from: 'b@test' }),
      drains: { drains: [drainAnswer({ id: 1, app: null, url: 'syslog+tls://logs.test:6514', createdAt: 'now', status: null })] },
      watch: { settings: watchSettingsAnswer(settings), watches: [watchAnswer(watch)] }, apply: applyAnswer({ changes: ['app shop: create'], applied: false }),
      metrics: metricsAnswer(history),
    })) as { added: CliAdded; smtp: SmtpView; drains: LogDrainsResponse; watch: DeployWatchResponse; apply: ServerApplyResponse; metrics: MetricsHistoryResponse };
    assert.equal(wire.added.target.id, 4);
    assert.equal(wire.added.secret, 'abc');
    assert.equal(wire.smtp.user, null);
    assert.equal(wire.drains.drains[0].status, null);
    assert.equal(wire.watch.settings.errorRate, 0.2);
    assert.equal(wire.watch.watches[0].status, 'rolled-back');
    assert.deepEqual(wire.apply.changes, ['app shop: create']);
    assert.equal(wire.metrics.processes[0].memoryLimit, null);
    assert.deepEqual([targetSecret, smtpPassword, readsTargetSecret, drainState, watchAction, applyText, anyRange].map((f) => typeof f), Array(7).fill('function'));
  });

  it('the settings answer, an app\'s cron list and the version read back as the CLI reads them', () => {
    const app = { id: 'u1', name: 'shop', createdAt: 'now', deployBranch: 'trunk', builder: 'buildpack', buildpack: 'node', restartPolicy: 'unless-stopped', memoryMb: null, cpus: null, locked: false } as const;
    const wire = JSON.parse(JSON.stringify({
      settings: settingsAnswer(app), cron: cronAnswer([{ app: 'shop', name: 'tick', command: 'echo hi', schedule: '* * * * *' }]),
      version: { version: '0.1.0', commit: null, schema: 28 } satisfies VersionResponse,
    })) as { settings: AppSettingsResponse; cron: CronListResponse; version: VersionResponse };
    assert.equal(wire.settings.app.deployBranch, 'trunk');
    assert.deepEqual(wire.cron.cron, [{ name: 'tick', schedule: '* * * * *', command: 'echo hi' }]);
    assert.equal(wire.version.schema, 28);
    assert.deepEqual([noBranch, numericSchedule, schemaText].map((f) => typeof f), Array(3).fill('function'));
  });

  it('a rollback plan and the push URLs as the server answers them read back as the CLI reads them', () => {
    const plan: RollbackPlan = { from: 3, to: 2, description: 'git abc', config: { added: ['A'], removed: [], changed: ['B'] }, data: { before: 3, createdAt: 'now', services: [{ plugin: 'postgres', service: 'db', size: 9, apps: ['shop'] }] } };
    const wire = JSON.parse(JSON.stringify({ plan: planAnswer(plan), remotes: remotesAnswer({ https: 'https://b.test/git/shop.git', ssh: null }) })) as { plan: RollbackPlanView; remotes: GitRemotesResponse };
    assert.deepEqual(wire.plan.config.changed, ['B']);
    assert.equal(wire.plan.data?.services[0].apps[0], 'shop');
    assert.equal(wire.remotes.remotes?.ssh, null);
    assert.deepEqual([planValues, containerCount].map((f) => typeof f), Array(2).fill('function'));
  });
});
