import { BerthError } from '../../app/errors';
import type { Buildpack, BuildpackContext, SourceView } from '../../app/ports/buildpack';
import { procfileCommand, shellCmd } from '../shared/procfile';
import { execForm, renderTemplate, templateDir } from '../shared/template';
import { chooseGo, DEFAULT_GO_LINE } from './go-version';
import { quote } from '../shared/quote';

/** Debian bookworm's Go toolchain (golang-go, Go 1.19); apps run FROM the base image with just their binaries. */
export const GO_IMAGE = 'berth/buildpack-go:bookworm';

/** The build image of a Go release line: the buildpack image for bookworm's own, else berth/go:<line> (Runtime.njk). */
export const goImage = (line: string): string => (line === DEFAULT_GO_LINE ? GO_IMAGE : `berth/go:${line}`);

/** The Dockerfile of berth/go:<line>, built on the buildpack image (its build context holds nothing else). */
export function goRuntimeDockerfile(line: string): string {
  if (!/^1\.\d+$/.test(line)) throw new Error(`not a Go release line: ${line}`);
  return renderTemplate(templateDir('go', __dirname), 'Runtime.njk', { base: GO_IMAGE, line });
}
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

function gopathDockerfile(source: SourceView, importPath: string, image: string): string {
  const mains = mainPackages(source);
  if (mains.length === 0) throw new BerthError('BUILD_FAILED', '.godir is there but no Go file says `package main`: berth needs a program to run.');
  const name = importPath.split('/').pop()!;
  const web = procfileCommand(source, 'web');
  // As Heroku's Go buildpack did: every program lands on PATH, the root one named after .godir's last element.
  const cmd = web ? shellCmd(web) : mains.includes('.') ? [`/app/bin/${name}`] : null;
  if (!cmd) throw new BerthError('BUILD_FAILED', `No Procfile web line and no package main at the root: add a Procfile, e.g. \`web: ${mains[0].split('/').pop()}\`.`);
  return renderTemplate(templateDir('go', __dirname), 'Dockerfile.njk', {
    image, runtime: GO_RUNTIME_IMAGE, gopath: importPath, mod: null, target: null, cmd: execForm(cmd), modCache: '',
  });
}

/** Picks the toolchain, says which and why, and makes sure its image exists; returns the build image. */
async function toolchain(source: SourceView, ctx: BuildpackContext): Promise<string> {
  const choice = chooseGo(source);
  ctx.log(`-----> Go ${choice.line} (${choice.why})`);
  const image = goImage(choice.line);
  if (image === GO_IMAGE) return image;
  const got = await ctx.runtimes.ensure(image, goRuntimeDockerfile(choice.line), ctx.log);
  ctx.log(got.cached
    ? `       ${image}: cached, shared with every app on Go ${choice.line}`
    : `       ${image}: installed from Debian bookworm-backports (golang-${choice.line}-go) in ${got.seconds.toFixed(1)} s; the next app on Go ${choice.line} reuses it`);
  return image;
}

export const goBuildpack: Buildpack = {
  name: 'go',
  looksFor: 'go.mod or .godir',
  detect: (source) => source.has('go.mod') || source.has('.godir'),
  async dockerfile(source: SourceView, ctx: BuildpackContext) {
    const importPath = source.has('go.mod') ? null : godirPath(source);
    const image = await toolchain(source, ctx);
    if (importPath) return gopathDockerfile(source, importPath, image);
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
      image,
      runtime: GO_RUNTIME_IMAGE,
      gopath: null,
      mod: vendored ? 'vendor' : 'mod',
      // The module cache layer: keyed on go.mod and go.sum, reused while they stay the same.
      sums: source.has('go.sum') ? 'go.mod go.sum' : 'go.mod',
      target: single ? (mains[0] === '.' ? '.' : `./${mains[0]}`) : null,
      cmd: cmd ? execForm(cmd) : null,
      // The module cache (GOMODCACHE, /go/pkg/mod) kept between this app's builds (scoped to it by dockerfile-prep); vendor/ needs none.
      modCache: ctx.cacheMounts && !vendored ? '--mount=type=cache,target=/go/pkg/mod ' : '',
    });
  },
};
