import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseCopies } from '../../app/ports/database-copies';

/** One berth database on a home folder (its key file is `<home>/secret.key`), with the few rows the suite needs. */
export interface OpenedDatabase {
  readonly copies: DatabaseCopies;
  addApp(name: string): void;
  apps(): string[];
  /** Config values: sealed at rest with the home's key. */
  setConfig(app: string, vars: Record<string, string>): void;
  config(app: string): Record<string, string>;
  schemaVersion(): number;
  close(): void;
}

export interface DatabaseCopiesSubject {
  /** A database on `home`, made (with a new key file) when there is none. */
  open(home: string): OpenedDatabase;
  /** Makes the copy in `file` look written by the schema before this one. */
  downgrade(file: string): void;
}

const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

/**
 * What berth's own backup asks of its database (app/ports/database-copies.ts: a copy taken while
 * running, its rows put in place of another database's, a copy proven in a scratch home), run
 * against SQLite (infra/sqlite) and the unit tests' InMemoryDatabaseCopies, both in
 * test/unit/conformance/database-copies.test.ts.
 */
export function databaseCopiesConformance(name: string, subject: DatabaseCopiesSubject): void {
  describe(`database copies conformance: ${name}`, () => {
    let dir: string;
    let live: OpenedDatabase;
    let fresh: OpenedDatabase;
    const copy = () => path.join(dir, 'copy.db');
    /** backup:restore's order: the backup's key renamed into place, then its rows. */
    const restoreInto = (target: OpenedDatabase, home: string) => {
      fs.copyFileSync(path.join(dir, 'live', 'secret.key'), path.join(home, 'secret.key.tmp'));
      fs.renameSync(path.join(home, 'secret.key.tmp'), path.join(home, 'secret.key'));
      target.copies.replaceWith(copy());
    };
    beforeEach(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dbcopies-conf-'));
      live = subject.open(path.join(dir, 'live'));
      live.addApp('web');
      live.addApp('api');
      live.setConfig('web', { SECRET: 'hunter2' });
      fresh = subject.open(path.join(dir, 'fresh'));
      fresh.addApp('mine');
    });
    afterEach(() => { live?.close(); fresh?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

    it('a copy holds the rows as they were when taken, while the store stays in use; restored, it replaces every row of the other database', async () => {
      await live.copies.snapshotTo(copy());
      live.addApp('later');
      assert.deepEqual(live.apps(), ['api', 'later', 'web']);
      restoreInto(fresh, path.join(dir, 'fresh'));
      assert.deepEqual(fresh.apps(), ['api', 'web']);
      assert.deepEqual(fresh.config('web'), { SECRET: 'hunter2' }, 'sealed with the live key, opened with it once restored');
      fresh.setConfig('web', { MORE: 'x' });
      assert.deepEqual(fresh.config('web'), { SECRET: 'hunter2', MORE: 'x' });
    });

    it('a copy of another schema is refused (BACKUP_SCHEMA_MISMATCH) before anything changes', async () => {
      await live.copies.snapshotTo(copy());
      subject.downgrade(copy());
      assert.throws(() => fresh.copies.replaceWith(copy()), code('BACKUP_SCHEMA_MISMATCH'));
      assert.deepEqual(fresh.apps(), ['mine']);
    });

    it('checkCopy restores the copy into the scratch home with the given key and answers the schema, rows and sealed values opened; the live store is untouched', async () => {
      await live.copies.snapshotTo(copy());
      const scratchHome = path.join(dir, 'scratch');
      const r = live.copies.checkCopy({ copy: copy(), keyFile: path.join(dir, 'live', 'secret.key'), scratchHome });
      assert.deepEqual([r.schema, r.tables.apps, r.tables.config_vars, r.sealed], [live.schemaVersion(), 2, 1, 1]);
      assert.deepEqual([live.apps(), live.config('web')], [['api', 'web'], { SECRET: 'hunter2' }]);
      assert.equal(fs.existsSync(path.join(scratchHome, 'secret.key')), true);
    });

    it('checkCopy with another key is BACKUP_UNVERIFIED; of another schema, BACKUP_SCHEMA_MISMATCH', async () => {
      await live.copies.snapshotTo(copy());
      const otherKey = path.join(dir, 'fresh', 'secret.key');
      assert.throws(() => live.copies.checkCopy({ copy: copy(), keyFile: otherKey, scratchHome: path.join(dir, 's1') }), code('BACKUP_UNVERIFIED'));
      subject.downgrade(copy());
      assert.throws(() => live.copies.checkCopy({ copy: copy(), keyFile: path.join(dir, 'live', 'secret.key'), scratchHome: path.join(dir, 's2') }), code('BACKUP_SCHEMA_MISMATCH'));
    });
  });
}
