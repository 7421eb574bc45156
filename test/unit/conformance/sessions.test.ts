import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { sessionsConformance } from '../../conformance/sessions';
import { InMemorySessions } from '../../support/fakes/sessions';

// The real adapter (SQLite runs in-process: a fresh database file per test, users in its users table) and the fake.
sessionsConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sessions-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return {
    sessions: store.sessions,
    addUser: (name, role) => store.users.ensureUser(name, role),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
});

sessionsConformance('InMemorySessions (test/support/fakes)', () => {
  const sessions = new InMemorySessions();
  return { sessions, addUser: (n, r) => sessions.addUser(n, r), close: () => undefined };
});
