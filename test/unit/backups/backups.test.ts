import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptStream, encryptStream, parseTarget, targetText } from '../../../app/backups';
import { BerthError } from '../../../app/errors';

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
