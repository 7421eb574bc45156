import { BerthError } from '../../app/errors';
import type { Buildpack, BuildpackContext, SourceView } from '../../app/ports/buildpack';
import { procfileCommand, shellCmd } from '../shared/procfile';
import { execForm, renderTemplate, templateDir } from '../shared/template';
import { goVersionLine } from './go-version';
import { quote } from '../shared/quote';

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
/** An import path as .godir holds it: `github.com/user/web`. */
const IMPORT_PATH = /^[A-Za-z0-9][A-Za-z0-9._~-]*(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*$/;

/** The import path in .godir (Heroku's classic Go layout), checked; null without a .godir. */
export function godirPath(source: SourceView): string | null {
  const text = source.read('.godir');
  if (text === null) return null;
  const p = text.trim();
  if (!IMPORT_PATH.test(p) || p.split('/').some((s) => s === '..' || s === '.')) {
    throw new BerthError('BUILD_FAILED', `.godir must hold one Go import path such as "github.com/you/web" (letters, digits, . _ ~ - and /); it holds ${quote(p)}.`);
  }
  return p;
}

function gopathDockerfile(source: SourceView, importPath: string): string {
  const mains = mainPackages(source);
  if (mains.length === 0) throw new BerthError('BUILD_FAILED', '.godir is there but no Go file says `package main`: berth needs a program to run.');
  const name = importPath.split('/').pop()!;
  const web = procfileCommand(source, 'web');
  // As Heroku's Go buildpack did: every program lands on PATH, the root one named after .godir's last element.
  const cmd = web ? shellCmd(web) : mains.includes('.') ? [`/app/bin/${name}`] : null;
  if (!cmd) throw new BerthError('BUILD_FAILED', `No Procfile web line and no package main at the root: add a Procfile, e.g. \`web: ${mains[0].split('/').pop()}\`.`);
  return renderTemplate(templateDir('go', __dirname), 'Dockerfile.njk', {
    image: GO_IMAGE, runtime: GO_RUNTIME_IMAGE, gopath: importPath, mod: null, target: null, cmd: execForm(cmd),
  });
}

export const goBuildpack: Buildpack = {
  name: 'go',
  looksFor: 'go.mod or .godir',
  detect: (source) => source.has('go.mod') || source.has('.godir'),
  dockerfile(source: SourceView, ctx: BuildpackContext) {
    const importPath = source.has('go.mod') ? null : godirPath(source);
    ctx.log(goVersionLine(source));
    if (importPath) return gopathDockerfile(source, importPath);
    const mains = mainPackages(source);
    if (mains.length === 0) throw new BerthError('BUILD_FAILED', 'go.mod is there but no Go file says `package main`: berth needs a program to run.');
    const bad = mains.find((d) => !SAFE_DIR.test(d));
    if (bad) throw new BerthError('BUILD_FAILED', `The Go package folder ${quote(bad)} has characters berth will not put in a build command; rename it.`);
    const web = procfileCommand(source, 'web');
    // One program: /app/app is the web process. Several: each lands in /app/bin, and the Procfile names them.
    const single = mains.length === 1;
    if (!single && !source.has('Procfile')) {
      throw new BerthError('BUILD_FAILED', `Several Go programs (${mains.join(', ')}): add a Procfile saying which runs, e.g. \`web: ${mains[0] === '.' ? 'app' : mains[0].split('/').pop()}\`.`);
    }
    const cmd = web ? shellCmd(web) : single ? ['/app/app'] : null;
    const vendored = source.files().some((f) => f.startsWith('vendor/'));
    return renderTemplate(templateDir('go', __dirname), 'Dockerfile.njk', {
      image: GO_IMAGE,
      runtime: GO_RUNTIME_IMAGE,
      gopath: null,
      mod: vendored ? 'vendor' : 'mod',
      // The module cache layer: keyed on go.mod and go.sum, reused while they stay the same.
      sums: source.has('go.sum') ? 'go.mod go.sum' : 'go.mod',
      target: single ? (mains[0] === '.' ? '.' : `./${mains[0]}`) : null,
      cmd: cmd ? execForm(cmd) : null,
    });
  },
};
