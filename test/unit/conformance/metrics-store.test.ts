import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { metricsStoreConformance } from '../../conformance/metrics-store';
import { InMemoryMetricsStore } from '../../support/fakes/metrics-store';

// The real adapter (SQLite runs in-process: a fresh database file per test, apps in its apps table) and the fake.
metricsStoreConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-metrics-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return {
    metrics: store.metrics,
    addApp: (name) => { store.apps.insert(name); },
    renameApp: (from, to) => store.apps.rename(from, to),
    removeApp: (name) => store.apps.remove(name),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
});

metricsStoreConformance('InMemoryMetricsStore (test/support/fakes)', () => {
  const metrics = new InMemoryMetricsStore();
  return {
    metrics, addApp: (name) => metrics.addApp(name), renameApp: (from, to) => metrics.renameApp(from, to), removeApp: (name) => metrics.removeApp(name), close: () => undefined,
  };
});
