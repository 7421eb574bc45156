import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { checkBerthArchive } from '../../../app/backups';
import { openSqliteStore } from '../../../app/infra/sqlite';

/** A berth backup archive holding the given entries (name → bytes), as a stream. */
async function archive(entries: Record<string, Buffer>): Promise<Readable> {
  const pack = tar.pack();
  for (const [name, data] of Object.entries(entries)) pack.entry({ name, mode: 0o600 }, data);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Readable.from([Buffer.concat(chunks)]);
}

/** berth's own backup, proven: the database half restored into a scratch home (real SQLite, no fakes). */
describe('berth backup check: the database restored into a scratch home', () => {
  let dir: string;
  let live: ReturnType<typeof openSqliteStore>;
  let entries: Record<string, Buffer>;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bkcheck-'));
    live = openSqliteStore(path.join(dir, 'live', 'berth.db'));
    live.users.ensureUser('admin', 'admin');
    live.apps.insert('web');
    live.apps.insert('api');
    live.config.apply('web', { SECRET: 'hunter2', OTHER: 'x' }, []);
    await live.snapshotTo(path.join(dir, 'snap.db'));
    entries = {
      'manifest.json': Buffer.from(JSON.stringify({ format: 1, berthVersion: '0.1.0', schema: live.schemaVersion(), createdAt: '', apps: ['api', 'web'], services: [] })),
      'berth.db': fs.readFileSync(path.join(dir, 'snap.db')),
      'secret.key': fs.readFileSync(path.join(dir, 'live', 'secret.key')),
      'repos/web/HEAD': Buffer.from('ref: refs/heads/main\n'),
    };
  });
  afterEach(() => { live.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('a good archive: rows per table counted, the sealed config opened with its key, the scratch home removed', async () => {
    const staging = path.join(dir, 'staging');
    const r = await checkBerthArchive(await archive(entries), { db: live, staging });
    assert.deepEqual(r.problems, []);
    assert.equal(r.report.tables?.apps, 2);
    assert.equal(r.report.tables?.users, 1);
    assert.ok(r.sealed >= 2, `the two config values opened (${r.sealed})`);
    assert.deepEqual(fs.readdirSync(staging), [], 'nothing left in staging');
  });

  it('another key in the archive: the sealed values do not open (BACKUP_UNVERIFIED); a missing database and another schema are problems too', async () => {
    const wrongKey = { ...entries, 'secret.key': Buffer.from(`${crypto.randomBytes(32).toString('base64')}\n`) };
    await assert.rejects(checkBerthArchive(await archive(wrongKey), { db: live, staging: path.join(dir, 'staging') }),
      /^BerthError: a sealed value in config_vars\.value does not open with the backup's secret\.key/);
    const { 'berth.db': _db, ...noDb } = entries;
    assert.deepEqual((await checkBerthArchive(await archive(noDb), { db: live, staging: path.join(dir, 'staging') })).problems, ['the archive has no berth.db']);
    const manifest = { ...entries, 'manifest.json': Buffer.from(JSON.stringify({ format: 1, schema: 1 })) };
    assert.deepEqual((await checkBerthArchive(await archive(manifest), { db: live, staging: path.join(dir, 'staging') })).problems,
      [`the manifest says schema 1, the database is at ${live.schemaVersion()}`]);
  });
});
