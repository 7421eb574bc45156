import { Readable } from 'node:stream';
import fs from 'node:fs';
import { BerthError } from '../../../app/errors';
import type { BackupObjects, StoredObject } from '../../../app/ports/backup-objects';

/** Backup storage in memory, keys as S3 spells them (`prefix/name`), for unit tests (conformance: test/conformance/backup-objects.ts). */
export class InMemoryBackupObjects implements BackupObjects {
  private readonly objects = new Map<string, { bytes: Buffer; modified: string }>();

  async put(key: string, file: string): Promise<void> {
    this.objects.set(key, { bytes: fs.readFileSync(file), modified: new Date().toISOString() });
  }

  async get(key: string): Promise<NodeJS.ReadableStream> {
    const o = this.objects.get(key);
    if (!o) throw new BerthError('BACKUP_NOT_FOUND', `${key} is not there.`);
    return Readable.from([o.bytes]);
  }

  async remove(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const below = prefix ? `${prefix}/` : '';
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(below) && !k.slice(below.length).includes('/'))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, o]) => ({ key, size: o.bytes.length, modified: o.modified }));
  }
}
