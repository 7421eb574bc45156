import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { BerthError } from '../errors';

const MAX_BYTES = 512 * 1024 * 1024;

/**
 * Stores an uploaded source archive (tar or tar.gz) as a build snapshot: the same kind of file a
 * git push leaves, so archive deploys go through the same builder.
 */
export async function saveArchive(body: NodeJS.ReadableStream, options: { gzip: boolean; snapshotsDir: string }): Promise<string> {
  fs.mkdirSync(options.snapshotsDir, { recursive: true });
  const dest = path.join(options.snapshotsDir, `archive-${crypto.randomBytes(8).toString('hex')}.tar`);
  let seen = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > MAX_BYTES) return done(new BerthError('INVALID_INPUT', 'The archive is larger than 512 MiB.'));
      done(null, chunk);
    },
  });
  try {
    if (options.gzip) await pipeline(body, zlib.createGunzip(), limit, fs.createWriteStream(dest));
    else await pipeline(body, limit, fs.createWriteStream(dest));
  } catch (e) {
    fs.rmSync(dest, { force: true });
    if (e instanceof BerthError) throw e;
    throw new BerthError('INVALID_INPUT', `The upload is not a readable ${options.gzip ? 'tar.gz' : 'tar'} archive: ${(e as Error).message}`);
  }
  const header = Buffer.alloc(512);
  const fd = fs.openSync(dest, 'r');
  const n = fs.readSync(fd, header, 0, 512, 0);
  fs.closeSync(fd);
  if (n < 512 || header.toString('latin1', 257, 262) !== 'ustar') {
    fs.rmSync(dest, { force: true });
    throw new BerthError('INVALID_INPUT', 'The upload is not a tar archive: make one with `tar -czf app.tar.gz -C <dir> .`.');
  }
  return dest;
}
