import fs from 'node:fs';
import path from 'node:path';

/**
 * Copies each `*.log` in `dir` larger than `maxBytes` to `<name>.1` (replacing the older `.1`) and
 * empties it in place: at most two files per log, about twice `maxBytes`. In place, not moved and
 * reopened: nginx's workers run unprivileged and cannot open files in the root-only logs folder
 * (`nginx -s reopen` leaves them writing into the moved file); they write with O_APPEND, so after
 * the truncation their lines land at the start of the emptied file. A line written between the copy
 * and the truncation is lost. `dryRun`: only the files it would rotate (`berth cleanup --dry-run`).
 */
export function rotateLogFiles(dir: string, maxBytes: number, o: { dryRun?: boolean } = {}): string[] {
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return []; }
  const moved: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.log')).sort()) {
    const file = path.join(dir, name);
    let st: fs.Stats;
    try { st = fs.lstatSync(file); } catch { continue; }
    if (!st.isFile() || st.size <= maxBytes) continue;
    moved.push(file);
    if (o.dryRun) continue;
    fs.copyFileSync(file, `${file}.1`);
    fs.truncateSync(file, 0);
  }
  return moved;
}
