/** One image of an app, docker's size (all its layers; layers shared with other images count in each). */
export interface ImageSizeView {
  readonly id: string;
  readonly tags: readonly string[];
  readonly bytes: number;
}

/** `berth apps:disk <app>`: what the app keeps on this host, each figure as docker or `du -sB1` reports it. */
export interface AppDiskView {
  readonly app: string;
  readonly images: readonly ImageSizeView[];
  /** Its named volumes (storage mounts and compose volumes), `du -sB1` of each volume's folder. */
  readonly volumes: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  /** Its host-folder storage (`$BERTH_HOME/storage/<app id>`). */
  readonly storageBytes: number;
  /** Its build logs, archived container output and router (nginx) logs. */
  readonly logs: { readonly builds: number; readonly archive: number; readonly router: number };
  /** Its data snapshots (dumps of linked databases taken before release commands, `$BERTH_HOME/snapshots/<app id>`). */
  readonly snapshotsBytes: number;
  readonly totalBytes: number;
}

/** `GET /api/v1/apps/:app/disk` */
export interface AppDiskResponse {
  readonly disk: AppDiskView;
}

/** What `berth cleanup` removed (or, dry, would remove). */
export interface CleanupView {
  readonly dryRun: boolean;
  readonly buildLogs: { readonly removed: number; readonly bytes: number };
  readonly events: { readonly removed: number };
  /** Router logs moved to `<file>.1`. */
  readonly routerLogs: readonly string[];
  /** Dangling images removed; null in a dry run (docker cannot say before it prunes). */
  readonly images: { readonly removed: number; readonly bytes: number } | null;
}

/** `POST /api/v1/cleanup` `{ dryRun?: boolean }` */
export interface CleanupResponse {
  readonly cleanup: CleanupView;
}

/** `GET /api/v1/disk`: how full the disk holding BERTH_HOME is. */
export interface DiskStateView {
  readonly usedPercent: number;
  readonly warnPercent: number;
  readonly low: boolean;
}

export interface DiskStateResponse {
  readonly disk: DiskStateView;
}
