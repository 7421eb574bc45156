import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { schedulerStateConformance } from '../../conformance/scheduler-state';
import { InMemorySchedulerState } from '../../support/fakes/scheduler-state';

// The real adapter (SQLite runs in-process: a fresh database file per test, apps in its apps table) and the fake.
schedulerStateConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-scheduler-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return {
    state: store.schedulers,
    addApp: (name) => { store.apps.insert(name); },
    renameApp: (from, to) => store.apps.rename(from, to),
    removeApp: (name) => store.apps.remove(name),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
});

schedulerStateConformance('InMemorySchedulerState (test/support/fakes)', () => {
  const state = new InMemorySchedulerState();
  return { state, addApp: (n) => state.addApp(n), renameApp: (f, t) => state.renameApp(f, t), removeApp: (n) => state.removeApp(n), close: () => undefined };
});
