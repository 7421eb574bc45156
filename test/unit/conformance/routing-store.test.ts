import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { routingStoreConformance } from '../../conformance/routing-store';
import { InMemoryRouting } from '../../support/fakes/routing-store';

// The real adapter (SQLite runs in-process: a fresh database file per test, apps in its apps table) and the fake.
routingStoreConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-routing-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return {
    globalDomains: store.globalDomains, ports: store.ports, routerSettings: store.routerSettings, certs: store.certs,
    addApp: (name) => { store.apps.insert(name); },
    renameApp: (from, to) => store.apps.rename(from, to),
    removeApp: (name) => store.apps.remove(name),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
});

routingStoreConformance('InMemoryRouting (test/support/fakes)', () => {
  const r = new InMemoryRouting();
  return {
    globalDomains: r.globalDomains, ports: r.ports, routerSettings: r.routerSettings, certs: r.certs,
    addApp: (n) => r.addApp(n), renameApp: (f, t) => r.renameApp(f, t), removeApp: (n) => r.removeApp(n), close: () => undefined,
  };
});
