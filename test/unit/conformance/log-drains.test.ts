import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { logDrainsConformance } from '../../conformance/log-drains';
import { InMemoryLogDrains } from '../../support/fakes/log-drains';

// The real adapter (SQLite runs in-process: a fresh database file per test, apps in its apps table) and the fake.
logDrainsConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-drains-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return {
    drains: store.logDrains,
    addApp: (name) => { store.apps.insert(name); },
    renameApp: (from, to) => store.apps.rename(from, to),
    removeApp: (name) => store.apps.remove(name),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
});

logDrainsConformance('InMemoryLogDrains (test/support/fakes)', () => {
  const drains = new InMemoryLogDrains();
  return { drains, addApp: (n) => drains.addApp(n), renameApp: (f, t) => drains.renameApp(f, t), removeApp: (n) => drains.removeApp(n), close: () => undefined };
});
