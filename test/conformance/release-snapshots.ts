import assert from 'node:assert/strict';
import type { ReleaseSnapshotsStore, SnapshotRecord } from '../../app/ports/release-snapshots';

export interface OpenedReleaseSnapshots {
  readonly snapshots: ReleaseSnapshotsStore;
  /** The apps the store knows: made, renamed and removed as berth's apps table does. */
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
  close(): void;
}

const snap = (app: string, version: number, plugin: string, service: string, size = 100): SnapshotRecord => ({
  app, version, plugin, service, file: `id-${app}/v${version}-${plugin}-${service}.dump.gz`, size,
  createdAt: new Date(Date.UTC(2026, 11, 8, 3, version)).toISOString(),
});

/**
 * What the release snapshots' table promises app/snapshots (app/ports/release-snapshots.ts: which
 * database dumps were taken before which release), run against SQLite (infra/sqlite, a fresh database
 * file) and the unit tests' InMemoryReleaseSnapshots, both in test/unit/conformance/release-snapshots.test.ts.
 */
export function releaseSnapshotsConformance(name: string, open: () => OpenedReleaseSnapshots): void {
  describe(`release snapshots conformance: ${name}`, () => {
    let o: OpenedReleaseSnapshots;
    beforeEach(() => { o = open(); o.addApp('shop'); o.addApp('blog'); });
    afterEach(() => o?.close());

    it('records read back whole: one release\'s by plugin then service, an app\'s newest release first', () => {
      const rows = [snap('shop', 2, 'redis', 'cache'), snap('shop', 3, 'postgres', 'db'), snap('shop', 2, 'postgres', 'z'),
        snap('shop', 2, 'postgres', 'db'), snap('blog', 2, 'postgres', 'db'), snap('shop', 10, 'mysql', 'db')];
      for (const r of rows) o.snapshots.add(r);
      assert.deepEqual(o.snapshots.ofRelease('shop', 2), [snap('shop', 2, 'postgres', 'db'), snap('shop', 2, 'postgres', 'z'), snap('shop', 2, 'redis', 'cache')]);
      assert.deepEqual(o.snapshots.ofApp('shop').map((r) => `v${r.version} ${r.plugin}/${r.service}`),
        ['v10 mysql/db', 'v3 postgres/db', 'v2 postgres/db', 'v2 postgres/z', 'v2 redis/cache']);
      assert.deepEqual(o.snapshots.ofApp('blog'), [snap('blog', 2, 'postgres', 'db')]);
      assert.deepEqual([o.snapshots.ofRelease('shop', 4), o.snapshots.ofApp('nobody')], [[], []]);
    });

    it('a snapshot taken again for the same release and service replaces the record; remove drops that release\'s of that app only', () => {
      o.snapshots.add(snap('shop', 2, 'postgres', 'db', 100));
      o.snapshots.add(snap('shop', 2, 'postgres', 'db', 250));
      assert.deepEqual(o.snapshots.ofApp('shop'), [snap('shop', 2, 'postgres', 'db', 250)]);
      o.snapshots.add(snap('shop', 2, 'redis', 'cache'));
      o.snapshots.add(snap('shop', 3, 'postgres', 'db'));
      o.snapshots.add(snap('blog', 2, 'postgres', 'db'));
      o.snapshots.remove('shop', 2);
      o.snapshots.remove('shop', 7);
      assert.deepEqual([o.snapshots.ofApp('shop'), o.snapshots.ofApp('blog')], [[snap('shop', 3, 'postgres', 'db')], [snap('blog', 2, 'postgres', 'db')]]);
    });

    it('a missing app\'s snapshot is refused; records follow the app\'s rename and go with it', () => {
      assert.throws(() => o.snapshots.add(snap('gone', 1, 'postgres', 'db')), /FOREIGN KEY/);
      o.snapshots.add(snap('shop', 1, 'postgres', 'db'));
      o.renameApp('shop', 'store');
      assert.deepEqual([o.snapshots.ofApp('shop'), o.snapshots.ofApp('store')], [[], [{ ...snap('shop', 1, 'postgres', 'db'), app: 'store' }]]);
      o.removeApp('store');
      o.addApp('store');
      assert.deepEqual(o.snapshots.ofApp('store'), []);
    });
  });
}
