import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { storeConformance } from '../../conformance/store';
import { InMemoryStore } from '../../support/fakes/store';

// The real adapter (SQLite runs in-process: a fresh database file per test) and the fake.
storeConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-store-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return { store, close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
});

storeConformance('InMemoryStore (test/support/fakes)', () => ({ store: new InMemoryStore(), close: () => undefined }));
