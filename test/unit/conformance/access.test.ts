import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { accessConformance } from '../../conformance/access';
import { InMemoryAccess } from '../../support/fakes/access';

// The real adapter (SQLite runs in-process: a fresh database file per test, apps in its apps table) and the fake.
accessConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-access-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return {
    access: store.access,
    addApp: (name) => { store.apps.insert(name); },
    renameApp: (from, to) => store.apps.rename(from, to),
    removeApp: (name) => store.apps.remove(name),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
});

accessConformance('InMemoryAccess (test/support/fakes)', () => {
  const access = new InMemoryAccess();
  return { access, addApp: (n) => access.addApp(n), renameApp: (f, t) => access.renameApp(f, t), removeApp: (n) => access.removeApp(n), close: () => undefined };
});
