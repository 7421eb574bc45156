import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BackupObjects } from '../../app/ports/backup-objects';

export interface OpenedObjects {
  readonly objects: BackupObjects;
  /** How this store spells the key of `name` below the folder/prefix `prefix` (a path for a folder, `prefix/name` for S3). */
  keyOf(prefix: string, name: string): string;
  /** What `list` takes for the folder/prefix `prefix`. */
  listArg(prefix: string): string;
  close(): Promise<void>;
}

const read = async (s: NodeJS.ReadableStream): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const p of s as AsyncIterable<Buffer>) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
};

/**
 * What every BackupObjects must do (app/ports/backup-objects.ts), run against the folder adapter and
 * the in-memory fake (test/unit/conformance/backup-objects.test.ts) and the S3 adapter against a
 * local s3rver (test/integration/backup-objects-conformance.test.ts). The backups (service and
 * berth's own) keep, list and prune their files only through these four calls.
 */
export function backupObjectsConformance(name: string, open: () => Promise<OpenedObjects>): void {
  describe(`backup objects conformance: ${name}`, function () {
    this.timeout(30_000);
    let o: OpenedObjects;
    let staging: string;
    const prefix = () => `conf-${randomBytes(4).toString('hex')}`;
    /** A local file of `bytes`, as the backups stage a dump before they put it. */
    const file = (bytes: Buffer): string => {
      const f = path.join(staging, randomBytes(6).toString('hex'));
      fs.writeFileSync(f, bytes);
      return f;
    };
    const put = (key: string, bytes: Buffer) => o.objects.put(key, file(bytes), bytes.length);

    beforeEach(async () => {
      o = await open();
      staging = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-objects-'));
    });
    afterEach(async () => {
      await o?.close();
      fs.rmSync(staging, { recursive: true, force: true });
    });

    it('answers the bytes it was given, streamed (a file larger than one read)', async () => {
      const p = prefix();
      const bytes = randomBytes(300 * 1024);
      await put(o.keyOf(p, 'a.dump'), bytes);
      assert.deepEqual(await read(await o.objects.get(o.keyOf(p, 'a.dump'))), bytes);
    });

    it('lists exactly the objects directly below a prefix, with their sizes and write times, sorted by key', async () => {
      const [p, sibling] = [prefix(), prefix()];
      const before = Date.now() - 2000;
      await put(o.keyOf(p, 'b.dump'), Buffer.from('bbbb'));
      await put(o.keyOf(p, 'a.dump'), Buffer.from('a'));
      await put(o.keyOf(`${p}/deeper`, 'c.dump'), Buffer.from('cc'));
      await put(o.keyOf(sibling, 'd.dump'), Buffer.from('d'));
      const listed = await o.objects.list(o.listArg(p));
      assert.deepEqual(listed.map((x) => [x.key, x.size]), [[o.keyOf(p, 'a.dump'), 1], [o.keyOf(p, 'b.dump'), 4]]);
      for (const x of listed) {
        const t = Date.parse(x.modified);
        assert.ok(t >= before && t <= Date.now() + 2000, `modified ${x.modified} is the write's time`);
      }
      assert.deepEqual(await o.objects.list(o.listArg(prefix())), [], 'an unknown prefix lists nothing');
    });

    it('a put over an existing key replaces it', async () => {
      const p = prefix();
      await put(o.keyOf(p, 'a.dump'), Buffer.from('first version'));
      await put(o.keyOf(p, 'a.dump'), Buffer.from('second'));
      assert.equal((await read(await o.objects.get(o.keyOf(p, 'a.dump')))).toString(), 'second');
      assert.deepEqual((await o.objects.list(o.listArg(p))).map((x) => x.size), [6]);
    });

    it('remove takes the object away (and a second remove is no error); get of a missing key rejects with BACKUP_NOT_FOUND', async () => {
      const p = prefix();
      await put(o.keyOf(p, 'a.dump'), Buffer.from('a'));
      await put(o.keyOf(p, 'b.dump'), Buffer.from('b'));
      await o.objects.remove(o.keyOf(p, 'a.dump'));
      await o.objects.remove(o.keyOf(p, 'a.dump'));
      assert.deepEqual((await o.objects.list(o.listArg(p))).map((x) => x.key), [o.keyOf(p, 'b.dump')]);
      await assert.rejects(o.objects.get(o.keyOf(p, 'a.dump')), { code: 'BACKUP_NOT_FOUND' });
    });
  });
}
