import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { notificationsConformance } from '../../conformance/notifications';
import { InMemoryNotifications } from '../../support/fakes/notifications';

// The real adapter (SQLite runs in-process: a fresh database file per test, apps in its apps table) and the fake.
notificationsConformance('infra/sqlite (a fresh database file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-notify-conf-'));
  const store = openSqliteStore(path.join(dir, 'berth.db'));
  return {
    notifications: store.notifications,
    addApp: (name) => { store.apps.insert(name); },
    renameApp: (from, to) => store.apps.rename(from, to),
    removeApp: (name) => store.apps.remove(name),
    close: () => { store.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
});

notificationsConformance('InMemoryNotifications (test/support/fakes)', () => {
  const notifications = new InMemoryNotifications();
  return {
    notifications, addApp: (n) => notifications.addApp(n), renameApp: (f, t) => notifications.renameApp(f, t), removeApp: (n) => notifications.removeApp(n), close: () => undefined,
  };
});
