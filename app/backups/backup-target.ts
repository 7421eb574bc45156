import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors';

/** Where a backup goes: a folder below berth's backup directory, or a prefix of an S3 bucket. */
export type BackupTarget =
  | { readonly kind: 'dir'; readonly dir: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string };

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** A bucket name as S3 takes it (lowercase letters, digits, dots, dashes; 3–63); BACKUP_TARGET_INVALID otherwise. */
export function checkBucketName(bucket: string): string {
  if (!BUCKET.test(bucket)) throw new BerthError('BACKUP_TARGET_INVALID', `"${bucket.slice(0, 80)}" is not a bucket name: 3–63 lowercase letters, digits, dots and dashes.`);
  return bucket;
}

/** The stored form: `dir:<absolute path>` or `s3://<bucket>/<prefix>`. */
export function targetText(t: BackupTarget): string {
  return t.kind === 'dir' ? `dir:${t.dir}` : `s3://${t.bucket}${t.prefix ? `/${t.prefix}` : ''}`;
}

/**
 * `--to` as given (absent: `<root>/<plugin>/<service>`). A folder must lie below `root` (berth's
 * backup directory), also after following symbolic links of the part that exists: berth writes
 * there as root, so a folder elsewhere would let a caller overwrite or fill any place on the host.
 */
export function parseTarget(to: string | undefined, o: { root: string; plugin: string; service: string }): BackupTarget {
  if (to === undefined || to === '') return { kind: 'dir', dir: path.join(o.root, o.plugin, o.service) };
  if (to.startsWith('s3://')) {
    const [bucket, ...rest] = to.slice('s3://'.length).split('/');
    const segments = rest.filter((s) => s !== '');
    if (!BUCKET.test(bucket) || !segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..')) {
      throw new BerthError('BACKUP_TARGET_INVALID', `"${to.slice(0, 200)}" is not an S3 target: use s3://<bucket>/<prefix> (bucket: lowercase letters, digits, dots, dashes; prefix: letters, digits, . _ - and slashes).`);
    }
    return { kind: 's3', bucket, prefix: segments.join('/') };
  }
  const text = to.startsWith('dir:') ? to.slice(4) : to;
  if (text.includes('\0')) throw new BerthError('BACKUP_TARGET_INVALID', 'A backup folder name cannot hold a NUL byte.');
  const dir = path.resolve(o.root, text);
  checkInside(dir, o.root, to);
  return { kind: 'dir', dir };
}

/** Throws BACKUP_TARGET_OUTSIDE unless `dir` (and what its existing part resolves to) is below `root`. */
export function checkInside(dir: string, root: string, shown: string = dir): void {
  const outside = () => new BerthError('BACKUP_TARGET_OUTSIDE', `"${shown.slice(0, 200)}" is outside berth's backup directory ${root}: backups are written only below it (or to s3://…).`);
  const rel = path.relative(root, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw outside();
  // The deepest part that exists, with its links followed, must still be below the root's real path.
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const realRoot = fs.realpathSync(root);
  let probe = dir;
  while (!fs.existsSync(probe)) probe = path.dirname(probe);
  const realRel = path.relative(realRoot, fs.realpathSync(probe));
  if (realRel.startsWith('..') || path.isAbsolute(realRel)) throw outside();
}
