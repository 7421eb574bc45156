import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { releaseSnapshotsConformance } from '../../conformance/release-snapshots';
import { InMemoryReleaseSnapshots } from '../../support/fakes/release-snapshots';

// The real adapter (SQLite runs in-process: a fresh database file per test, apps in its apps table) and the fake.
releaseSnapshotsConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-snapshots-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return {
    snapshots: store.releaseSnapshots,
    addApp: (name) => { store.apps.insert(name); },
    renameApp: (from, to) => store.apps.rename(from, to),
    removeApp: (name) => store.apps.remove(name),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
});

releaseSnapshotsConformance('InMemoryReleaseSnapshots (test/support/fakes)', () => {
  const snapshots = new InMemoryReleaseSnapshots();
  return { snapshots, addApp: (n) => snapshots.addApp(n), renameApp: (f, t) => snapshots.renameApp(f, t), removeApp: (n) => snapshots.removeApp(n), close: () => undefined };
});
