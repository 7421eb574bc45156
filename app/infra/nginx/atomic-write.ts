import fs from 'node:fs';
import path from 'node:path';

/** Writes via a temp file in the same directory and rename(2), so nginx never reads half a file. */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { mode });
    fs.chmodSync(tmp, mode); // the umask may have narrowed it
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** The file's content, or null when it does not exist. */
export function readFileOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Puts back what readFileOrNull returned: the old content, or no file at all. */
export function restoreFile(file: string, previous: string | null, mode = 0o644): void {
  if (previous === null) fs.rmSync(file, { force: true });
  else writeFileAtomic(file, previous, mode);
}
