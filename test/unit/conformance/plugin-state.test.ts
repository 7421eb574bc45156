import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { pluginStateConformance } from '../../conformance/plugin-state';
import { InMemoryPluginState } from '../../support/fakes/plugin-state';

// The real adapter (SQLite runs in-process: a fresh database file per test) and the fake.
pluginStateConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-plugin-state-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return { state: store.plugins, close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
});

pluginStateConformance('InMemoryPluginState (test/support/fakes)', () => ({ state: new InMemoryPluginState(), close: () => undefined }));
