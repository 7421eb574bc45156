import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { deployWatchesConformance } from '../../conformance/deploy-watches';
import { InMemoryDeployWatches } from '../../support/fakes/deploy-watches';

// The real adapter (SQLite runs in-process: a fresh database file per test, apps in its apps table) and the fake.
deployWatchesConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-watches-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return {
    watches: store.deployWatches,
    addApp: (name) => { store.apps.insert(name); },
    renameApp: (from, to) => store.apps.rename(from, to),
    removeApp: (name) => store.apps.remove(name),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
});

deployWatchesConformance('InMemoryDeployWatches (test/support/fakes)', () => {
  const watches = new InMemoryDeployWatches();
  return {
    watches, addApp: (n) => watches.addApp(n), renameApp: (f, t) => watches.renameApp(f, t), removeApp: (n) => watches.removeApp(n), close: () => undefined,
  };
});
