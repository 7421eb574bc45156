import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/**
 * Streams a plugin's export (`dump` writes into the stream it is given) gzipped — then through
 * `after` (e.g. encryption) — into `file`, mode 0600. On a failure the half-written file is removed
 * and the error thrown; on success the caller decides what becomes of the file (rename, upload).
 * Service backups and the data snapshots before release commands both write their dumps this way.
 */
export async function gzipDumpTo(file: string, dump: (out: NodeJS.WritableStream) => Promise<void>, after: NodeJS.ReadWriteStream[] = []): Promise<void> {
  const out = fs.createWriteStream(file, { mode: 0o600 });
  try {
    const input = new PassThrough();
    const writing = pipeline([input, createGzip(), ...after, out]);
    try {
      await dump(input);
      input.end();
    } catch (e) {
      input.destroy(e as Error);
      await writing.catch(() => undefined);
      throw e;
    }
    await writing;
  } catch (e) {
    // A failed write destroys the file stream, which may still be opening the file: wait for its close,
    // or the rm would run first and the file appear after it.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    fs.rmSync(file, { force: true });
    throw e;
  }
}
