import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { databaseCopiesConformance } from '../../conformance/database-copies';
import { InMemoryDatabaseCopies } from '../../support/fakes/database-copies';

// The real adapter (SQLite runs in-process: berth.db on a fresh home per database) and the fake.
databaseCopiesConformance('infra/sqlite (a fresh home each)', {
  open: (home) => {
    const store = openSqliteStore(path.join(home, 'berth.db'));
    return {
      copies: store,
      addApp: (name) => { store.apps.insert(name); },
      apps: () => store.apps.list().map((a) => a.name),
      setConfig: (app, vars) => store.config.apply(app, vars, []),
      config: (app) => store.config.get(app),
      schemaVersion: () => store.schemaVersion(),
      close: () => store.close(),
    };
  },
  downgrade: (file) => {
    const raw = new Database(file);
    raw.prepare('DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)').run();
    raw.close();
  },
});

databaseCopiesConformance('InMemoryDatabaseCopies (test/support/fakes)', {
  open: (home) => {
    const db = new InMemoryDatabaseCopies(home);
    return {
      copies: db, addApp: (n) => db.addApp(n), apps: () => db.apps(), setConfig: (a, v) => db.setConfig(a, v),
      config: (a) => db.config(a), schemaVersion: () => db.schemaVersion(), close: () => undefined,
    };
  },
  downgrade: (file) => {
    const rows = JSON.parse(fs.readFileSync(file, 'utf8')) as { schema: number };
    fs.writeFileSync(file, JSON.stringify({ ...rows, schema: rows.schema - 1 }));
  },
});
