import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { MIGRATIONS } from '../../../app/infra/sqlite/migrations';

describe('SQLite migrations', () => {
  it('have unique, contiguous versions starting at 1', () => {
    const versions = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);
    assert.deepEqual(versions, versions.map((_, i) => i + 1));
  });

  it('apply once on a fresh database, and re-opening changes nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-mig-'));
    const file = path.join(dir, 'berth.db');
    const store = openSqliteStore(file);
    store.apps.insert('kept');
    store.close();
    const again = openSqliteStore(file);
    assert.equal(again.apps.get('kept')?.name, 'kept');
    again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
