import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { drainsConformance } from '../../conformance/drains';
import { InMemoryDrainSettings, InMemoryDrains } from '../../support/fakes/drains';

// The real adapter (SQLite runs in-process: a fresh database file per test, apps in its apps table) and the fakes.
drainsConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-retiring-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return {
    drains: store.drains,
    settings: store.drainSettings,
    addApp: (name) => { store.apps.insert(name); },
    renameApp: (from, to) => store.apps.rename(from, to),
    removeApp: (name) => store.apps.remove(name),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
});

drainsConformance('InMemoryDrains + InMemoryDrainSettings (test/support/fakes)', () => {
  const settings = new InMemoryDrainSettings();
  return {
    drains: new InMemoryDrains(), settings,
    addApp: (n) => settings.addApp(n), renameApp: (f, t) => settings.renameApp(f, t), removeApp: (n) => settings.removeApp(n), close: () => undefined,
  };
});
