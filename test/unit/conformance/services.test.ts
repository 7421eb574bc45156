import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { servicesConformance } from '../../conformance/services';
import { InMemoryServices } from '../../support/fakes/services';

// The real adapter (SQLite runs in-process: a fresh database file per test, apps in its apps table) and the fake.
servicesConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-services-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return {
    services: store.services,
    addApp: (name) => { store.apps.insert(name); },
    renameApp: (from, to) => store.apps.rename(from, to),
    removeApp: (name) => store.apps.remove(name),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
});

servicesConformance('InMemoryServices (test/support/fakes)', () => {
  const services = new InMemoryServices();
  return { services, addApp: (n) => services.addApp(n), renameApp: (f, t) => services.renameApp(f, t), removeApp: (n) => services.removeApp(n), close: () => undefined };
});
