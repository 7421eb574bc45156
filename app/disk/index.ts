export { appDiskReport, type AppDiskDeps, type AppDiskReport } from './app-disk';
export { Housekeeping, type CleanupReport, type DiskState, type HousekeepingDeps, type RetentionSettings } from './housekeeping';
export { diskBytes } from './du';
