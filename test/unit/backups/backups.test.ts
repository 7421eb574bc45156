import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptStream, encryptStream, parseTarget, ServiceBackups, targetText, type BackupFailure } from '../../../app/backups';
import type { EventsService } from '../../../app/events';
import { BerthError } from '../../../app/errors';
import { InMemoryServiceBackups } from '../../support/fakes/service-backups';

/** Bytes through a chain of transforms, fed in small, uneven chunks (as a network or pipe cuts them). */
async function through(input: Buffer, ...stages: NodeJS.ReadWriteStream[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const pieces: Buffer[] = [];
  for (let i = 0; i < input.length;) { const n = 1 + (i % 37); pieces.push(input.subarray(i, i + n)); i += n; }
  await pipeline([Readable.from(pieces), ...stages, new Writable({ write(c: Buffer, _e, done) { chunks.push(c); done(); } })]);
  return Buffer.concat(chunks);
}

describe('service backups: encryption stream and targets', () => {
  it('encrypts and decrypts a stream in any chunking; a wrong passphrase or a changed byte fails at the end', async () => {
    const data = crypto.randomBytes(70_000);
    const sealed = await through(data, encryptStream('correct horse'));
    assert.equal(sealed.subarray(0, 9).toString('latin1'), 'BERTHENC1');
    assert.equal(sealed.length, data.length + 9 + 16 + 12 + 16);
    assert.deepEqual(await through(sealed, decryptStream('correct horse')), data);
    assert.deepEqual(await through(await through(Buffer.alloc(0), encryptStream('p')), decryptStream('p')), Buffer.alloc(0));
    await assert.rejects(through(sealed, decryptStream('wrong horse')), (e: unknown) => e instanceof BerthError && e.code === 'SERVICE_BACKUP_FAILED');
    const changed = Buffer.from(sealed);
    changed[100] ^= 1;
    await assert.rejects(through(changed, decryptStream('correct horse')), (e: unknown) => e instanceof BerthError && e.code === 'SERVICE_BACKUP_FAILED');
  });

  it('a folder target lies below the backup directory, links followed; s3 targets are checked', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bk-root-'));
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bk-else-'));
    try {
      const o = { root, plugin: 'postgres', service: 'db' };
      assert.equal(targetText(parseTarget(undefined, o)), `dir:${root}/postgres/db`);
      assert.equal(targetText(parseTarget('nightly/db', o)), `dir:${root}/nightly/db`);
      assert.equal(targetText(parseTarget(`${root}/x`, o)), `dir:${root}/x`);
      assert.equal(targetText(parseTarget('s3://my-bucket/a/b/', o)), 's3://my-bucket/a/b');
      fs.symlinkSync(elsewhere, path.join(root, 'link'));
      for (const to of ['/etc', '..', '../x', elsewhere, 'link', 'link/deeper', `dir:${elsewhere}`]) {
        assert.throws(() => parseTarget(to, o), (e: unknown) => e instanceof BerthError && e.code === 'BACKUP_TARGET_OUTSIDE', to);
      }
      for (const to of ['s3://A/x', 's3://b', 's3://bucket/../x', 's3://bucket/a b']) {
        assert.throws(() => parseTarget(to, o), (e: unknown) => e instanceof BerthError && e.code === 'BACKUP_TARGET_INVALID', to);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('service backups: a failed run', () => {
  it('records service.backup-failed, calls onFailure (notifications) with the error, leaves no staging file; a scheduled run does not throw', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bk-fail-'));
    try {
      const schedules = [{ plugin: 'postgres', service: 'db', name: 'nightly', schedule: '0 3 * * *', keep: 2, target: `dir:${root}/postgres/db`, passphrase: null }];
      const events: Array<{ kind: string; message: string }> = [];
      const failures: BackupFailure[] = [];
      const serviceBackups = new InMemoryServiceBackups();
      for (const s of schedules) serviceBackups.setSchedule(s);
      const backups = new ServiceBackups({
        store: { serviceBackups },
        kit: { find: () => ({}) } as never,
        backup: {
          prepareExport: async () => async (out: NodeJS.WritableStream) => {
            out.write('half a dump');
            throw new BerthError('SERVICE_BACKUP_FAILED', 'pg_dump failed (exit 1): connection refused');
          },
        } as never,
        events: { record: (e: { kind: string; message: string }) => { events.push(e); return e; } } as unknown as EventsService,
        scheduler: { replace: async () => undefined } as never,
        s3: () => { throw new Error('no S3 here'); },
        root,
        onFailure: (f) => { failures.push(f); },
      });
      await assert.rejects(backups.run({ plugin: 'postgres', service: 'db', user: 'ada' }), /connection refused/);
      await backups.handle({ app: 'postgres/db', name: 'nightly', command: '', schedule: '0 3 * * *' });
      assert.deepEqual(events.map((e) => e.kind), ['service.backup-failed', 'service.backup-failed']);
      assert.match(events[0].message, /^backup of postgres service db to dir:.+\/postgres\/db failed: pg_dump failed \(exit 1\): connection refused$/);
      assert.deepEqual(failures, [
        { plugin: 'postgres', service: 'db', schedule: null, target: `dir:${root}/postgres/db`, message: 'pg_dump failed (exit 1): connection refused' },
        { plugin: 'postgres', service: 'db', schedule: 'nightly', target: `dir:${root}/postgres/db`, message: 'pg_dump failed (exit 1): connection refused' },
      ]);
      assert.deepEqual(fs.readdirSync(path.join(root, '.staging')), []);
      assert.equal(fs.existsSync(path.join(root, 'postgres', 'db')), false);
      // Only the scheduled run counts as a failed verification (nothing to restore); the run by hand is not verified.
      assert.deepEqual(serviceBackups.verifications('postgres', 'db', 10).map((v) => [v.backupId, v.schedule, v.ok, v.problems]), [[null, 'nightly', false, ['no backup to restore: pg_dump failed (exit 1): connection refused']]]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
