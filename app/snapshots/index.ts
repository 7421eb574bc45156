export { DataSnapshots, type DataSnapshotsDeps, type DataRestorePlan, type ReleaseSnapshotView } from './data-snapshots';
