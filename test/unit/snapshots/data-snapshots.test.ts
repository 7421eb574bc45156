import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthError } from '../../../app/errors';
import { EventsService } from '../../../app/events';
import { openSqliteStore } from '../../../app/infra/sqlite';
import type { ReleaseRecord, Store } from '../../../app/ports/store';
import { DataSnapshots } from '../../../app/snapshots';
import { SnapshotFiles } from '../../../app/snapshots/snapshot-files';

const code = (c: string) => (e: unknown) => e instanceof BerthError && e.code === c;

/** DataSnapshots over a real SQLite store and folder, with a fake plugin export/import (the dump is a text). */
describe('data snapshots: taken before a release command, kept N, restored only from the app\'s own records', () => {
  let dir: string;
  let store: Store;
  let links: Array<{ plugin: string; service: string }>;
  let versions: number[];
  let failExportOf: string | null;
  let imported: Array<{ service: string; text: string; replace?: boolean }>;
  let snapshots: DataSnapshots;
  const dumpOf = new Map<string, string>();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-snapshots-'));
    store = openSqliteStore(path.join(dir, 'berth.db'));
    const app = store.apps.insert('shop');
    links = [{ plugin: 'postgres', service: 'db' }, { plugin: 'redis', service: 'cache' }, { plugin: 'memo', service: 'm' }];
    versions = [1, 2, 3, 4, 5];
    failExportOf = null;
    imported = [];
    dumpOf.set('db', 'rows of v1').set('cache', 'keys of v1');
    snapshots = new DataSnapshots({
      store, apps: { find: (n) => (n === 'shop' ? app : null), list: () => [app] },
      releases: { list: () => versions.map((version) => ({ app: 'shop', version }) as ReleaseRecord).reverse() },
      linksOf: () => links,
      appsOfService: (_p, s) => (s === 'db' ? ['shop', 'other'] : ['shop']),
      // memo's plugin cannot import: a snapshot of it could never be restored.
      canSnapshot: (plugin) => plugin !== 'memo',
      backup: {
        prepareExport: async (_plugin, name) => async (out) => {
          if (failExportOf === name) throw new Error('pg_dump failed (exit 1): connection refused');
          out.write(dumpOf.get(name) ?? '');
        },
        import: async (o) => {
          let text = '';
          for await (const c of o.input) text += c;
          imported.push({ service: o.name, text, replace: o.replace });
        },
      },
      events: new EventsService(store.events),
      root: path.join(dir, 'snapshots'), keep: 2,
    });
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const log = () => undefined;
  const filesOf = () => fs.readdirSync(path.join(dir, 'snapshots', store.apps.get('shop')!.id)).sort();

  it('dumps every linked service whose plugin can export and import, gzipped, one file each, and records them', async () => {
    const made = await snapshots.take({ app: 'shop', version: 2, log, why: 'before v2' });
    assert.deepEqual(made.map((r) => `${r.plugin}/${r.service}`), ['postgres/db', 'redis/cache']);
    assert.deepEqual(filesOf(), ['v2-postgres-db.dump.gz', 'v2-redis-cache.dump.gz']);
    assert.deepEqual([...snapshots.byRelease('shop').keys()], [2]);
    assert.equal(snapshots.diskBytes('shop'), made[0].size + made[1].size);
  });

  it('a failed dump is SNAPSHOT_FAILED and leaves no file and no record (of the services done before it either)', async () => {
    failExportOf = 'cache';
    await assert.rejects(snapshots.take({ app: 'shop', version: 2, log, why: 'before v2' }), (e: unknown) => code('SNAPSHOT_FAILED')(e)
      && /snapshot of redis service cache failed, so v2's release command did not run: pg_dump failed/.test((e as Error).message));
    assert.deepEqual(filesOf(), []);
    assert.equal(snapshots.byRelease('shop').size, 0);
  });

  it('prune keeps the newest BERTH_SNAPSHOT_KEEP releases\' snapshots, files and records', async () => {
    for (const v of [2, 3, 4]) await snapshots.take({ app: 'shop', version: v, log, why: '' });
    snapshots.prune('shop', log);
    assert.deepEqual([...snapshots.byRelease('shop').keys()], [4, 3]);
    assert.deepEqual(filesOf(), ['v3-postgres-db.dump.gz', 'v3-redis-cache.dump.gz', 'v4-postgres-db.dump.gz', 'v4-redis-cache.dump.gz']);
  });

  it('restore brings back the snapshot taken before the release after the target, into each service', async () => {
    await snapshots.take({ app: 'shop', version: 2, log, why: '' });
    dumpOf.set('db', 'rows of v2');
    const plan = await snapshots.restore({ app: 'shop', target: 1, log, user: 'ann' });
    assert.equal(plan.before, 2);
    assert.deepEqual(plan.services.map((s) => [s.service, s.apps]), [['db', ['shop', 'other']], ['cache', ['shop']]]);
    // replace: the plugin empties the service first (tables made after the snapshot go too).
    assert.deepEqual(imported, [{ service: 'db', text: 'rows of v1', replace: true }, { service: 'cache', text: 'keys of v1', replace: true }]);
  });

  it('no snapshot before the release after the target, or none after it, is SNAPSHOT_NOT_FOUND; the rollback\'s own release is not "after"', async () => {
    await snapshots.take({ app: 'shop', version: 3, log, why: '' });
    assert.throws(() => snapshots.restorePlan('shop', 1), (e: unknown) => code('SNAPSHOT_NOT_FOUND')(e) && /no data snapshot from before v2 \(the release after v1\)/.test((e as Error).message));
    assert.equal(snapshots.restorePlan('shop', 2).before, 3);
    assert.throws(() => snapshots.restorePlan('shop', 5), code('SNAPSHOT_NOT_FOUND'));
    // Rolling back to v2 as release v3 (v3 is the run's own): nothing came after v2 before it.
    versions = [1, 2, 3];
    assert.throws(() => snapshots.restorePlan('shop', 2, { running: 3 }), code('SNAPSHOT_NOT_FOUND'));
  });

  it('a snapshot of a service no longer linked to the app is not restored (SNAPSHOT_NOT_FOUND)', async () => {
    await snapshots.take({ app: 'shop', version: 2, log, why: '' });
    links = [{ plugin: 'redis', service: 'cache' }];
    await assert.rejects(snapshots.restore({ app: 'shop', target: 1, log, user: null }), (e: unknown) => code('SNAPSHOT_NOT_FOUND')(e) && /postgres service db, which is no longer linked to shop/.test((e as Error).message));
    assert.deepEqual(imported, []);
  });

  it('a record cannot name a file outside the snapshot directory', async () => {
    const files = new SnapshotFiles(path.join(dir, 'snapshots'));
    for (const bad of ['../berth.db', '/etc/passwd', 'a/../../secret.key', '..']) assert.throws(() => files.pathOf(bad), code('SNAPSHOT_NOT_FOUND'), bad);
    assert.equal(files.pathOf('x/v1-postgres-db.dump.gz'), path.join(dir, 'snapshots', 'x', 'v1-postgres-db.dump.gz'));
  });

  it('an app\'s snapshots go with it (forget removes its folder)', async () => {
    await snapshots.take({ app: 'shop', version: 2, log, why: '' });
    snapshots.forget(store.apps.get('shop')!.id);
    assert.equal(fs.existsSync(path.join(dir, 'snapshots', store.apps.get('shop')!.id)), false);
  });

  it('rescue keeps a snapshot\'s files under a new name, out of the records, and says how to import them', async () => {
    await snapshots.take({ app: 'shop', version: 2, log, why: '' });
    const said = snapshots.rescue('shop', 2);
    assert.equal(snapshots.byRelease('shop').size, 0);
    const files = filesOf();
    assert.equal(files.length, 2);
    assert.ok(files.every((f) => /^rescued-\d{8}T\d{6}Z-v2-(postgres-db|redis-cache)\.dump\.gz$/.test(f)), files.join());
    assert.match(said, new RegExp(`gunzip -c ${dir}/snapshots/[^ ]+/rescued-[^ ]+-v2-postgres-db.dump.gz \\| berth postgres:import db`));
  });
});
