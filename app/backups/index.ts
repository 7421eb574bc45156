export { ServiceBackups, checkScheduleName, type BackupFailure, type BackupView, type ScheduleView, type ServiceBackupsDeps } from './service-backups';
export { checkBucketName, parseTarget, targetText, type BackupTarget } from './backup-target';
export { encryptStream, decryptStream } from './backup-crypto';
export { BerthBackup, type BackupManifest, type BerthBackupDeps } from './berth-backup';
