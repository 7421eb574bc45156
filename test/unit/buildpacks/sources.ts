import fs from 'node:fs';
import path from 'node:path';
import type { SourceView } from '../../../app/ports/buildpack';

/** The repo's fixture apps (the source tree, not dist/). */
export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/apps');

/** A SourceView over a folder, the way berth sees a pushed snapshot. */
export function folderSource(dir: string): SourceView {
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk('');
  files.sort();
  const set = new Set(files);
  return {
    files: () => files,
    has: (p) => set.has(p),
    read: (p) => (set.has(p) ? fs.readFileSync(path.join(dir, p), 'utf8') : null),
  };
}

export const fixtureSource = (name: string): SourceView => folderSource(path.join(FIXTURES, name));

/** A SourceView from an object of path → text. */
export function memorySource(files: Record<string, string>): SourceView {
  const names = Object.keys(files).sort();
  return {
    files: () => names,
    has: (p) => p in files,
    read: (p) => files[p] ?? null,
  };
}
