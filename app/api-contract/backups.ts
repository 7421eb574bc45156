/**
 * Service backups and berth's own backup. `plugin`/`service` `berth` in a verification: berth's
 * own backup. A backup's or schedule's passphrase never leaves the server: only whether it has one.
 */

/** The result of restoring a backup into a throw-away container and checking it. */
export interface VerificationView {
  readonly id: number;
  readonly plugin: string;
  readonly service: string;
  /** The backup restored; null when the run failed before a backup existed. */
  readonly backupId: string | null;
  readonly schedule: string | null;
  readonly ok: boolean;
  /** Rows per table (databases), as counted in the restored copy. */
  readonly tables: Readonly<Record<string, number>> | null;
  readonly keys: number | null;
  readonly sample: readonly string[];
  /** Why it failed: the restore's error, or what the plugin's check found. */
  readonly problems: readonly string[];
  readonly verifiedAt: string;
  readonly seconds: number;
}

/** One backup of a service. */
export interface ServiceBackupView {
  readonly id: string;
  readonly plugin: string;
  readonly service: string;
  /** The schedule that made it (null: made by hand). */
  readonly schedule: string | null;
  /** `dir:<absolute path>` or `s3://<bucket>/<prefix>`. */
  readonly target: string;
  readonly key: string;
  readonly size: number;
  readonly encrypted: boolean;
  /** Never sent: a backup says only whether it is encrypted. */
  readonly passphrase?: never;
  readonly createdAt: string;
  /** The check run right after a scheduled backup. */
  readonly verification?: VerificationView;
}

/** One backup schedule of a service. */
export interface ServiceBackupScheduleView {
  readonly plugin: string;
  readonly service: string;
  readonly name: string;
  /** 5-field cron expression. */
  readonly schedule: string;
  readonly keep: number;
  readonly target: string;
  readonly encrypted: boolean;
  /** Never sent. */
  readonly passphrase?: never;
}

/** `GET /api/v1/services/:plugin/:name/backups` (and what removing a schedule answers). */
export interface ServiceBackupsResponse {
  readonly backups: readonly ServiceBackupView[];
  readonly schedules: readonly ServiceBackupScheduleView[];
  /** Newest first. */
  readonly verifications: readonly VerificationView[];
  readonly lastVerified: VerificationView | null;
  /** Schedules whose last verified restore is older than they run. */
  readonly stale: readonly string[];
}

/** `POST /api/v1/services/:plugin/:name/backups` `{ to?, passphrase? }` or `{ schedule }` (a run of that schedule). */
export interface ServiceBackupRequest {
  readonly to?: string;
  readonly passphrase?: string;
  readonly schedule?: string;
}

export interface ServiceBackupResponse {
  readonly backup: ServiceBackupView;
}

/** `POST /api/v1/services/:plugin/:name/backups/:id/restore` `{ into? }`: the service restored into. */
export interface ServiceRestoreResponse {
  readonly service: string;
}

/** `POST /api/v1/services/:plugin/:name/backups/:id/verify` */
export interface VerificationResponse {
  readonly verification: VerificationView;
}

/** `POST /api/v1/services/:plugin/:name/backup-schedules/:schedule` */
export interface ServiceBackupScheduleRequest {
  readonly schedule: string;
  readonly keep: number;
  readonly to?: string;
  readonly passphrase?: string;
}

export interface ServiceBackupScheduleResponse {
  readonly schedule: ServiceBackupScheduleView;
}

/** An S3 bucket berth may write to; its keys never leave the server. */
export interface S3LoginView {
  readonly bucket: string;
  readonly endpoint: string;
  readonly region: string;
  /** Never sent. */
  readonly accessKeyId?: never;
  readonly secretAccessKey?: never;
}

/** `GET|POST|DELETE /api/v1/backups/s3[/:bucket]`: the logins after the change. */
export interface S3LoginsResponse {
  readonly logins: readonly S3LoginView[];
}

/** `POST /api/v1/backups/s3/:bucket` */
export interface S3LoginRequest {
  readonly endpoint: string;
  readonly region?: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** One kept backup of berth itself. */
export interface BerthBackupView {
  readonly name: string;
  readonly target: string;
  readonly size: number;
  readonly createdAt: string;
  readonly scheduled: boolean;
}

/** berth's own backup schedule (`backup:schedule`); `isDefault`: none set, the daily default. */
export interface BerthScheduleView {
  readonly schedule: string;
  readonly keep: number;
  readonly target: string;
  readonly enabled: boolean;
  readonly isDefault: boolean;
}

/** `GET /api/v1/berth/backups` */
export interface BerthBackupsResponse {
  readonly backups: readonly BerthBackupView[];
  readonly schedule: BerthScheduleView;
  readonly verifications: readonly VerificationView[];
  readonly lastVerified: VerificationView | null;
}

/** `POST /api/v1/berth/backups` `{ to?, scheduled? }`: the backup made, with its verification when one ran. */
export interface BerthBackupCreatedResponse {
  readonly backup: BerthBackupView & { readonly verification?: VerificationView };
}

/** `POST|DELETE /api/v1/berth/backup-schedule` */
export interface BerthScheduleResponse {
  readonly schedule: BerthScheduleView;
}

/** `POST /api/v1/berth/backup-schedule` */
export interface BerthScheduleRequest {
  readonly schedule: string;
  readonly keep?: number;
  readonly to?: string;
}

/** The `done <json>` line that ends `POST /api/v1/berth/restore`'s progress: what came back. */
export interface BerthRestoredView {
  readonly apps: readonly string[];
  readonly services: readonly string[];
  readonly builds: ReadonlyArray<{ readonly app: string; readonly build: number; readonly status: string }>;
}
