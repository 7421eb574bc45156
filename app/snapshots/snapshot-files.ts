import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { BerthError } from '../errors';
import { gzipDumpTo } from '../backups/gzip-dump';

/**
 * The snapshot files below berth's snapshot directory ($BERTH_HOME/snapshots, mode 0700): one
 * gzipped dump per release and service, written to `<file>.part` and renamed when complete, so a
 * file that exists is whole. Paths come from the store's records only, and are checked to stay
 * below the directory all the same.
 */
export class SnapshotFiles {
  constructor(private readonly root: string) {}

  /** The absolute path of a record's file; refuses anything that would leave the directory. */
  pathOf(file: string): string {
    const full = path.resolve(this.root, file);
    if (!full.startsWith(this.root + path.sep) || path.isAbsolute(file) || file.split(/[\\/]/).includes('..')) {
      throw new BerthError('SNAPSHOT_NOT_FOUND', 'A snapshot names a file outside berth\'s snapshot directory; it is not used.');
    }
    return full;
  }

  /** Streams `dump` (the plugin's export into the writable it is given) gzipped into `file`; answers its size. */
  async write(file: string, dump: (out: NodeJS.WritableStream) => Promise<void>): Promise<number> {
    const full = this.pathOf(file);
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
    fs.mkdirSync(path.dirname(full), { recursive: true, mode: 0o700 });
    const tmp = `${full}.part`;
    await gzipDumpTo(tmp, dump);
    try {
      fs.renameSync(tmp, full);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return fs.statSync(full).size;
  }

  /** Streams the file's dump, gunzipped, into `restore` (the plugin's import reading what it is given). */
  async read(file: string, restore: (input: NodeJS.ReadableStream) => Promise<void>): Promise<void> {
    const full = this.pathOf(file);
    if (!fs.existsSync(full)) throw new BerthError('SNAPSHOT_NOT_FOUND', `The snapshot file ${file} is gone from ${this.root}; nothing was restored.`);
    const source = fs.createReadStream(full);
    const input = new PassThrough();
    const reading = pipeline([source, createGunzip(), input]);
    try {
      await Promise.all([reading, restore(input)]);
    } catch (e) {
      source.destroy();
      input.destroy();
      throw e;
    }
  }

  rename(from: string, to: string): void {
    fs.renameSync(this.pathOf(from), this.pathOf(to));
  }

  remove(file: string): void {
    fs.rmSync(this.pathOf(file), { force: true });
  }

  /** An app's directory (by its id), when the app is destroyed. */
  removeDir(appId: string): void {
    fs.rmSync(this.pathOf(appId), { recursive: true, force: true });
  }
}
