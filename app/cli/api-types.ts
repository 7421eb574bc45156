/**
 * The shapes the REST API answers, from the one contract the server is checked against
 * (app/api-contract). Type-only: nothing of it is in the compiled CLI, which stays self-contained.
 */
export type {
  AppSummary, AppDetail, AppsListResponse, AppResponse, AppCreatedResponse, QueuedBuild, BuildStatus,
  BuildsListResponse, BuildResponse, ReleasesListResponse, EventsListResponse, LockResponse,
  BuildView as BuildRecord, ReleaseView as ReleaseRecord, EventView as EventRecord,
  ConfigResponse, ConfigChangeRequest, ConfigChangeResponse,
  AppStatusWord, AppProcessReport, ProcessReport, ContainerReport, CrashReport, ProcessReportResponse,
  ScaleResponse, ScaleRequest, PsSettingsRequest, PsSettingsResponse, ResourcesView, ResourcesResponse, ResourcesRequest,
  PortsReport, PortsChange, CertView, CertResponse, CertAddRequest, LetsencryptStatus, LetsencryptResponse, LetsencryptListResponse,
  MountView, MountsResponse, MountResponse, MountRequest, StorageDirectoryRequest, StorageDirectoryResponse,
  DomainsReport, AppDomainsResponse, AppDomainsChange, GlobalDomainsResponse, GlobalDomainsChange,
  AppDiskResponse, CleanupResponse, DiskStateResponse,
  WhoamiResponse, UsersListResponse, UserAddRequest, UserAddResponse, UserRoleResponse, RemovedResponse, CollaboratorsResponse,
  TokensListResponse, TokenCreateRequest, TokenCreateResponse, TokenRevokedResponse, SshKeysResponse, SshKeyAddRequest, SshKeyResponse,
  PluginView, PluginsListResponse, PluginResponse, PluginVerbView, PluginVerbsResponse,
  RegistryLoginsResponse, RegistryLoginRequest, RegistryLoginResponse,
  GitSyncResponse, GitAuthResponse, WebhooksListResponse, WebhookCreatedResponse, WebhookRemovedResponse,
  NginxSettingsView, NginxResponse, NginxConfigResponse,
  ServiceView, ServicePluginsResponse, ServicesListResponse, ServiceCreateRequest, ServiceResponse, ServiceLinkResponse, ServiceDestroyResponse,
  BuilderDockerfileReport, BuilderDockerfileChange, DockerOptionsResponse, DockerOptionsChange, ChecksView, ChecksResponse, ChecksRunResponse, ProxyResponse,
  SchedulerReportResponse, SchedulerSetRequest, SchedulerSetResponse, PlacementRequest, PlacementResponse, SwarmInitResponse, NodeAddResponse, NodeView, NodesListResponse, NodeLabelsRequest, NodeResponse,
  VerificationView, ServiceBackupView, ServiceBackupScheduleView, ServiceBackupsResponse, ServiceBackupRequest, ServiceBackupResponse, ServiceRestoreResponse, VerificationResponse,
  ServiceBackupScheduleRequest, ServiceBackupScheduleResponse, S3LoginsResponse, S3LoginRequest,
  BerthBackupView, BerthScheduleView, BerthBackupsResponse, BerthBackupCreatedResponse, BerthScheduleResponse, BerthScheduleRequest, BerthRestoredView,
  NotificationTargetView, SmtpView, NotificationsListResponse, NotificationAddRequest, NotificationAddResponse, NotificationTestResponse, SmtpRequest, SmtpResponse,
  LogDrainView, LogDrainsResponse, LogDrainRequest, LogDrainAddedResponse, LogDrainRemovedResponse,
  WatchSettingsView, DeployWatchResponse, DeployWatchRequest, DeployWatchSettingsResponse, ServerExportRequest, ServerExportResponse, ServerApplyRequest, ServerApplyResponse,
  BuilderChangeRequest, DeployBranchRequest, AppSettingsResponse, CronListResponse, VersionResponse,
  RollbackPlanView, RollbackPlanResponse, RollbackRequest, LoginTokenRequest, LoginTokenResponse, GitRemotesResponse, NetworksListResponse, NetworkResponse,
  NodeListedView, NodesListedResponse, RouterReportResponse, RouterForgetResponse, RouterRemoveResponse,
} from '../api-contract';
