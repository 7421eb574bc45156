/** Scheduled service backups (app/backups): schedules, the backups made, S3 logins. Secrets sealed at rest. */
import type { VerificationView } from '../api-contract';

export interface BackupSchedule {
  readonly plugin: string;
  readonly service: string;
  /** The schedule's own name (a service may have several: hourly to a directory, daily to S3). */
  readonly name: string;
  /** 5-field cron expression. */
  readonly schedule: string;
  /** How many of this schedule's backups are kept; older ones are deleted after each run. */
  readonly keep: number;
  /** `dir:<absolute path>` or `s3://<bucket>/<prefix>`. */
  readonly target: string;
  /** Encrypts each backup with it when set. */
  readonly passphrase: string | null;
}

export interface BackupRecord {
  readonly id: string;
  readonly plugin: string;
  readonly service: string;
  /** The schedule that made it (null: made by hand). */
  readonly schedule: string | null;
  readonly target: string;
  /** The file's path under a `dir:` target, the object's key in an S3 one. */
  readonly key: string;
  readonly size: number;
  /** The passphrase it was encrypted with (null: not encrypted), so a restore needs no one to type it. */
  readonly passphrase: string | null;
  readonly createdAt: string;
}

/**
 * The result of restoring one backup into a throw-away container and checking it (or of a
 * scheduled run that made no backup to restore). `plugin` `berth` with `service` `berth`: berth's own backup.
 * The API contract's shape (app/api-contract/backups.ts): stored and shown field for field.
 */
export type RestoreVerification = VerificationView;

/** An S3-compatible bucket berth may write to (`backups:s3-set`). */
export interface S3Login {
  readonly bucket: string;
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** berth's own backup schedule (`backup:schedule`); none stored: the daily default (app/backups/berth-backups.ts). */
export interface BerthBackupSchedule {
  /** 5-field cron expression. */
  readonly schedule: string;
  readonly keep: number;
  /** `dir:<folder relative to $BERTH_HOME/backups/berth>` (relative: a restore onto another BERTH_HOME keeps it right) or `s3://<bucket>/<prefix>`. */
  readonly target: string;
  /** false: `backup:schedule off`. */
  readonly enabled: boolean;
}

export interface ServiceBackupsStore {
  berthSchedule(): BerthBackupSchedule | null;
  setBerthSchedule(s: BerthBackupSchedule): void;
  schedules(): BackupSchedule[];
  schedule(plugin: string, service: string, name: string): BackupSchedule | null;
  setSchedule(s: BackupSchedule): void;
  removeSchedule(plugin: string, service: string, name: string): boolean;
  add(r: BackupRecord): void;
  get(id: string): BackupRecord | null;
  /** Newest first. */
  list(plugin: string, service: string): BackupRecord[];
  remove(id: string): void;
  addVerification(v: Omit<RestoreVerification, 'id'>): RestoreVerification;
  /** Newest first. */
  verifications(plugin: string, service: string, limit: number): RestoreVerification[];
  s3(bucket: string): S3Login | null;
  setS3(login: S3Login): void;
  /** Buckets and endpoints only: keys never leave through a list. */
  listS3(): Array<Pick<S3Login, 'bucket' | 'endpoint' | 'region'>>;
  removeS3(bucket: string): boolean;
}
