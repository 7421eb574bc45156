/** Data snapshots taken before a release's release/predeploy command (app/snapshots). */

export interface SnapshotRecord {
  readonly app: string;
  /** The release it was taken before: the data as the release before it left it. */
  readonly version: number;
  readonly plugin: string;
  readonly service: string;
  /** Path below berth's snapshot directory (`<app id>/v<N>-<plugin>-<service>.dump.gz`); never from a request. */
  readonly file: string;
  readonly size: number;
  readonly createdAt: string;
}

export interface ReleaseSnapshotsStore {
  add(r: SnapshotRecord): void;
  /** One release's snapshots (one per linked database service). */
  ofRelease(app: string, version: number): SnapshotRecord[];
  /** Newest release first. */
  ofApp(app: string): SnapshotRecord[];
  remove(app: string, version: number): void;
}
