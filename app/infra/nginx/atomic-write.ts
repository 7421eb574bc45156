import fs from 'node:fs';
import { sync as writeAtomicSync } from 'write-file-atomic';

/**
 * Writes via a temp file in the same directory, fsync and rename(2) (`write-file-atomic`), so nginx never
 * reads half a file; the mode is set on the temp file whatever the umask, and the temp file goes on failure.
 */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  writeAtomicSync(file, content, { mode });
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
