import fs from 'node:fs';
import path from 'node:path';
import type { Buildpack, BuildpackContext, SourceView } from '../../../app/ports/buildpack';

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

/** Node.js versions a fake registry offers in unit tests. */
export const FAKE_NODE_VERSIONS = ['0.12.18', '4.2.0', '4.2.1-pkg1', '4.2.4', '4.2.5', '18.19.1', '18.20.8', '20.18.3', '20.19.5', '21.7.3', '22.9.0', '22.23.5', '24.10.0', '24.11.1', '25.2.1'];

export interface FakeContext extends BuildpackContext {
  readonly lines: string[];
  /** Runtime images ensured, with their Dockerfiles. */
  readonly ensured: Map<string, string>;
}

/** A BuildpackContext whose registry offers FAKE_NODE_VERSIONS and whose runtime images build instantly. */
export function fakeContext(o: { config?: Record<string, string>; present?: string[]; versions?: string[] } = {}): FakeContext {
  const lines: string[] = [];
  const ensured = new Map<string, string>();
  const present = new Set(o.present ?? []);
  return {
    lines, ensured, config: o.config ?? {},
    log: (l) => lines.push(l),
    runtimes: {
      versions: async () => o.versions ?? FAKE_NODE_VERSIONS,
      ensure: async (image, dockerfile) => {
        ensured.set(image, dockerfile);
        const cached = present.has(image);
        present.add(image);
        return { cached, seconds: cached ? 0 : 12.5 };
      },
    },
  };
}

/** The Dockerfile a buildpack writes for a source (with a fake context unless one is given). */
export async function render(bp: Buildpack, source: SourceView, ctx: BuildpackContext = fakeContext()): Promise<string> {
  return bp.dockerfile(source, ctx);
}
