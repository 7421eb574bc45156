import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { mountsConformance } from '../../conformance/mounts';
import { InMemoryMounts } from '../../support/fakes/mounts';

// The real adapter (SQLite runs in-process: a fresh database file per test, apps in its apps table) and the fake.
mountsConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-mounts-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return {
    mounts: store.mounts,
    addApp: (name) => { store.apps.insert(name); },
    renameApp: (from, to) => store.apps.rename(from, to),
    removeApp: (name) => store.apps.remove(name),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
});

mountsConformance('InMemoryMounts (test/support/fakes)', () => {
  const mounts = new InMemoryMounts();
  return { mounts, addApp: (n) => mounts.addApp(n), renameApp: (f, t) => mounts.renameApp(f, t), removeApp: (n) => mounts.removeApp(n), close: () => undefined };
});
