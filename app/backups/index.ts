export { ServiceBackups, checkScheduleName, type BackupFailure, type BackupView, type ScheduleView, type ServiceBackupsDeps } from './service-backups';
export { checkBucketName, parseTarget, targetText, type BackupTarget } from './backup-target';
export { encryptStream, decryptStream } from './backup-crypto';
export { checkBerthArchive } from './berth-backup-check';
export { RestoreVerifier, BERTH_SELF, intervalMs, summaryOf, STALE_GRACE_MS, type Unverified, type OpenedDump } from './restore-verifier';
export { BerthBackup, type BackupManifest, type BerthBackupDeps } from './berth-backup';
export { BerthBackups, BERTH_JOB_APP, DEFAULT_BERTH_SCHEDULE, type BerthBackupView, type BerthScheduleView } from './berth-backups';
export { redeployImageApp, type ImageAppDeps, type ImageAppOutcome } from './image-apps';
