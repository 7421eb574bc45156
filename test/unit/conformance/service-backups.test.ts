import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { serviceBackupsConformance } from '../../conformance/service-backups';
import { InMemoryServiceBackups } from '../../support/fakes/service-backups';

// The real adapter (SQLite runs in-process: a fresh database file per test) and the fake.
serviceBackupsConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-svc-backups-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return { backups: store.serviceBackups, close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
});

serviceBackupsConformance('InMemoryServiceBackups (test/support/fakes)', () => ({ backups: new InMemoryServiceBackups(), close: () => undefined }));
