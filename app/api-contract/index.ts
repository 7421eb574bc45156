/**
 * The REST API's contract: request and response bodies of the routes the CLI calls, shared by
 * the server (app/http routes check their answers against it with `satisfies`) and the CLI
 * (app/cli reads them through these types). A leaf folder: it imports nothing, and the CLI imports
 * it for types only, so the packed CLI (deploy/pack-cli.js) still needs nothing outside app/cli.
 * Change a field here and tsc fails on both sides until they agree again.
 */
export type { AppSummary, AppDetail, AppliedLimits, AppsListResponse, AppResponse, AppCreatedResponse, CreateAppRequest, RenameAppRequest, LockResponse } from './apps';
export type { BuildStatus, BuildView, BuildsListResponse, BuildResponse, QueuedBuild } from './builds';
export type { ReleaseView, ReleaseWatchView, ReleasesListResponse, RollbackPlanView, RollbackPlanResponse, RollbackRequest } from './releases';
export type { EventView, EventsListResponse } from './events';
export type { ConfigResponse, ConfigChangeRequest, ConfigChangeResponse } from './config';
export type {
  AppStatusWord, ContainerReport, ProcessReport, CrashReport, FailedDeploy, AppProcessReport, ProcessReportResponse,
  ScaleResponse, ScaleRequest, PsSettingsRequest, PsSettingsResponse, ResourcesView, ResourcesResponse, ResourcesRequest,
} from './processes';
export type { PortsReport, PortsChange, CertView, CertResponse, CertAddRequest, LetsencryptStatus, LetsencryptResponse, LetsencryptListResponse } from './routing';
export type { MountView, MountsResponse, MountResponse, MountRequest, StorageDirectoryRequest, StorageDirectoryResponse } from './storage';
export type { DomainsReport, AppDomainsResponse, AppDomainsChange, GlobalDomainsResponse, GlobalDomainsChange } from './domains';
export type { AppDiskView, AppDiskResponse, CleanupView, CleanupResponse, DiskStateView, DiskStateResponse, ImageSizeView } from './disk';
export type {
  RoleName, UserView, WhoamiResponse, UsersListResponse, UserAddRequest, UserAddResponse, UserRoleResponse, RemovedResponse,
  CollaboratorsResponse, TokenView, TokensListResponse, TokenCreateRequest, TokenCreateResponse, TokenRevokedResponse,
  SshKeyView, SshKeysResponse, SshKeyAddRequest, SshKeyResponse,
} from './people';
export type {
  PluginView, PluginsListResponse, PluginResponse, PluginVerbView, PluginVerbsResponse,
  RegistryLoginView, RegistryLoginsResponse, RegistryLoginRequest, RegistryLoginResponse,
  GitSyncResponse, GitAuthView, GitAuthResponse, WebhookView, WebhooksListResponse, WebhookCreatedResponse, WebhookRemovedResponse,
  NginxSettingsView, NginxResponse, NginxConfigResponse,
} from './extensions';
export type {
  BuilderDockerfileReport, BuilderDockerfileChange, DockerOptionsResponse, DockerOptionsChange, ChecksView, ChecksResponse, ChecksRunResponse, ProxyResponse,
} from './build-settings';
export type {
  ServiceView, ServicePluginView, ServicePluginsResponse, ServicesListResponse, ServiceCreateRequest, ServiceResponse, ServiceLinkResponse, ServiceDestroyResponse,
} from './services';
export type {
  SchedulerNameView, SchedulerProcessView, SchedulerReportView, SchedulerReportResponse, SchedulerSetRequest, SchedulerSetResponse, PlacementRequest, PlacementResponse,
  SwarmInitView, SwarmInitResponse, NodeAddResponse, NodeView, NodesListResponse, NodeLabelsRequest, NodeResponse,
  NodeRouterView, NodeListedView, NodesListedResponse, RouterFailureView, RouterView, RouterReportView, RouterReportResponse, RouterForgetResponse, RouterRemoveResponse,
} from './schedulers';
export type {
  VerificationView, ServiceBackupView, ServiceBackupScheduleView, ServiceBackupsResponse, ServiceBackupRequest, ServiceBackupResponse,
  ServiceRestoreResponse, VerificationResponse, ServiceBackupScheduleRequest, ServiceBackupScheduleResponse, S3LoginView, S3LoginsResponse, S3LoginRequest,
  BerthBackupView, BerthScheduleView, BerthBackupsResponse, BerthBackupCreatedResponse, BerthScheduleResponse, BerthScheduleRequest, BerthRestoredView,
} from './backups';
export type {
  NotificationTargetView, SmtpView, NotificationsListResponse, NotificationAddRequest, NotificationAddResponse, NotificationTestResponse, SmtpRequest, SmtpResponse,
} from './notifications';
export type {
  LogDrainView, LogDrainsResponse, LogDrainRequest, LogDrainAddedResponse, LogDrainRemovedResponse,
  WatchSettingsView, DeployWatchView, DeployWatchResponse, DeployWatchRequest, DeployWatchSettingsResponse,
  ServerExportRequest, ServerExportResponse, ServerApplyRequest, ServerApplyResponse,
  ProcessSeriesView, RequestTotalsView, MetricsHistoryResponse,
} from './operations';
export type { BuilderChangeRequest, DeployBranchRequest, AppSettingsResponse, CronEntryView, CronListResponse, VersionResponse } from './app-settings';
export type { LoginTokenRequest, LoginTokenResponse, GitRemotesResponse, NetworkView, NetworksListResponse, NetworkResponse } from './connect';
