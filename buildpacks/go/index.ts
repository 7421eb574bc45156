import { BerthError } from '../../app/errors';
import type { Buildpack, SourceView } from '../../app/ports/buildpack';
import { procfileCommand, shellCmd } from '../shared/procfile';
import { execForm, renderTemplate, templateDir } from '../shared/template';

/** The Go toolchain (Debian's golang-go); apps run FROM the base image with just their binaries. */
export const GO_IMAGE = 'berth/buildpack-go:bookworm';
export const GO_RUNTIME_IMAGE = 'berth/base:bookworm';

const SKIPPED = /(^|\/)(vendor|testdata|[._][^/]*)\//;

/** Folders (relative, "." for the root) holding a `package main`. */
export function mainPackages(source: SourceView): string[] {
  const dirs = new Set<string>();
  for (const f of source.files()) {
    if (!f.endsWith('.go') || f.endsWith('_test.go') || SKIPPED.test(f)) continue;
    if (/^package\s+main\b/m.test(source.read(f) ?? '')) dirs.add(f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '.');
  }
  return [...dirs].sort();
}

const SAFE_DIR = /^[A-Za-z0-9._/-]+$/;

export const goBuildpack: Buildpack = {
  name: 'go',
  looksFor: 'go.mod',
  detect: (source) => source.has('go.mod'),
  dockerfile(source) {
    const mains = mainPackages(source);
    if (mains.length === 0) throw new BerthError('BUILD_FAILED', 'go.mod is there but no Go file says `package main`: berth needs a program to run.');
    const bad = mains.find((d) => !SAFE_DIR.test(d));
    if (bad) throw new BerthError('BUILD_FAILED', `The Go package folder "${bad}" has characters berth will not put in a build command; rename it.`);
    const web = procfileCommand(source, 'web');
    // One program: /app/app is the web process. Several: each lands in /app/bin, and the Procfile names them.
    const single = mains.length === 1;
    if (!single && !source.has('Procfile')) {
      throw new BerthError('BUILD_FAILED', `Several Go programs (${mains.join(', ')}): add a Procfile saying which runs, e.g. \`web: ${mains[0] === '.' ? 'app' : mains[0].split('/').pop()}\`.`);
    }
    const cmd = web ? shellCmd(web) : single ? ['/app/app'] : null;
    return renderTemplate(templateDir('go', __dirname), 'Dockerfile.njk', {
      image: GO_IMAGE,
      runtime: GO_RUNTIME_IMAGE,
      mod: source.files().some((f) => f.startsWith('vendor/')) ? 'vendor' : 'mod',
      target: single ? (mains[0] === '.' ? '.' : `./${mains[0]}`) : null,
      cmd: cmd ? execForm(cmd) : null,
    });
  },
};
