import type { ReleaseSnapshotsStore, SnapshotRecord } from '../../../app/ports/release-snapshots';

const key = (r: SnapshotRecord) => `${r.plugin}\u0000${r.service}`;
const byService = (a: SnapshotRecord, b: SnapshotRecord) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * The release snapshots' table in memory, for unit tests, as infra/sqlite keeps it: one record per
 * app, release, plugin and service (a later one replaces it), refused for a missing app, following
 * its rename and going with it. The apps it knows are the test's (addApp/renameApp/removeApp).
 * test/conformance/release-snapshots.ts holds it and SQLite's to one contract.
 */
export class InMemoryReleaseSnapshots implements ReleaseSnapshotsStore {
  private readonly apps = new Set<string>();
  private rows: SnapshotRecord[] = [];

  addApp(name: string): void { this.apps.add(name); }

  renameApp(from: string, to: string): void {
    if (!this.apps.delete(from)) return;
    this.apps.add(to);
    this.rows = this.rows.map((r) => (r.app === from ? { ...r, app: to } : r));
  }

  removeApp(name: string): void {
    this.apps.delete(name);
    this.rows = this.rows.filter((r) => r.app !== name);
  }

  add(r: SnapshotRecord): void {
    if (!this.apps.has(r.app)) throw new Error('FOREIGN KEY constraint failed');
    this.rows = this.rows.filter((x) => !(x.app === r.app && x.version === r.version && key(x) === key(r)));
    this.rows.push({ ...r });
  }

  ofRelease(app: string, version: number): SnapshotRecord[] {
    return this.rows.filter((r) => r.app === app && r.version === version).sort(byService).map((r) => ({ ...r }));
  }

  ofApp(app: string): SnapshotRecord[] {
    return this.rows.filter((r) => r.app === app).sort((a, b) => b.version - a.version || byService(a, b)).map((r) => ({ ...r }));
  }

  remove(app: string, version: number): void {
    this.rows = this.rows.filter((r) => !(r.app === app && r.version === version));
  }
}
