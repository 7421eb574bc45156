export { ReleasesService, type RollbackPlan, type DataRestoreView, type ReleaseSnapshotSummary, type SnapshotsReader } from './releases-service';
export type { ReleasesReader, ReleasesWriter } from './releases-reader';
export { parseProcfile } from '../manifest';
