import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { DatabaseCopies } from '../ports/database-copies';
import type { RestoreReport } from '../services-kit';

/** The entries the database half of a restore needs; the rest of the archive is read past. */
const NEEDED = new Set(['manifest.json', 'berth.db', 'secret.key']);

/**
 * berth's own backup, proven (the database half; docs/backups.md "Verified restores"): the archive
 * as the target holds it is read back, its berth.db restored into a scratch BERTH_HOME's fresh
 * database (as backup:restore does: same schema or refused), every table counted and every sealed
 * value opened with the archive's secret.key. Answers the counts and what is wrong (empty: nothing).
 */
export async function checkBerthArchive(
  input: NodeJS.ReadableStream,
  o: { db: Pick<DatabaseCopies, 'checkCopy'>; staging: string },
): Promise<{ report: RestoreReport; problems: string[]; sealed: number }> {
  fs.mkdirSync(o.staging, { recursive: true, mode: 0o700 });
  const work = fs.mkdtempSync(path.join(o.staging, 'verify-'));
  try {
    const extract = tar.extract();
    const done = pipeline(input, extract);
    const found = new Set<string>();
    try {
      for await (const entry of extract) {
        const name = entry.header.name;
        if (entry.header.type === 'file' && NEEDED.has(name) && !found.has(name)) {
          found.add(name);
          await pipeline(entry, fs.createWriteStream(path.join(work, name), { mode: 0o600 }));
        } else {
          entry.resume();
        }
      }
    } catch (e) {
      extract.destroy();
      await done.catch(() => undefined);
      throw e;
    }
    await done;
    const missing = [...NEEDED].filter((n) => !found.has(n));
    if (missing.length) return { report: {}, problems: [`the archive has no ${missing.join(', ')}`], sealed: 0 };
    let manifest: { schema?: unknown } = {};
    try { manifest = JSON.parse(fs.readFileSync(path.join(work, 'manifest.json'), 'utf8')) as { schema?: unknown }; } catch { /* below */ }
    const checked = o.db.checkCopy({ copy: path.join(work, 'berth.db'), keyFile: path.join(work, 'secret.key'), scratchHome: path.join(work, 'home') });
    const problems = manifest.schema === checked.schema ? [] : [`the manifest says schema ${String(manifest.schema)}, the database is at ${checked.schema}`];
    if ((checked.tables.users ?? 0) === 0) problems.push('the database has no users: nobody could log in after a restore');
    return { report: { tables: checked.tables }, problems, sealed: checked.sealed };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
