import fs from 'node:fs';
import path from 'node:path';

/**
 * Bytes a file or folder takes on disk, counted as `du -sB1` counts them: the blocks of every entry
 * (folders and symlinks too, without following links), a hard-linked inode once. Missing: 0.
 */
export function diskBytes(target: string): number {
  const seen = new Set<string>();
  let total = 0;
  const visit = (p: string): void => {
    let st: fs.Stats;
    try { st = fs.lstatSync(p); } catch { return; }
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    total += st.blocks * 512;
    if (!st.isDirectory()) return;
    let names: string[];
    try { names = fs.readdirSync(p); } catch { return; }
    for (const n of names) visit(path.join(p, n));
  };
  visit(target);
  return total;
}

/** The files of `dir` whose names pass `keep`, summed with diskBytes. */
export function filesBytes(dir: string, keep: (name: string) => boolean): number {
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return 0; }
  return names.filter(keep).reduce((sum, n) => sum + diskBytes(path.join(dir, n)), 0);
}
