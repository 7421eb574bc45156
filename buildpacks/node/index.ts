import { BerthError } from '../../app/errors';
import type { Buildpack, BuildpackContext, SourceView } from '../../app/ports/buildpack';
import { readPackageJson, type PackageJson } from '../shared/package-json';
import { procfileCommand, shellCmd } from '../shared/procfile';
import { execForm, renderTemplate, templateDir } from '../shared/template';
import { chooseNode, NODE_PACKAGE } from './node-version';
import { planInstall } from './package-manager';

/** The image every Node.js runtime is built on: Debian's nodejs and npm, which run npm itself. */
export const NODE_BASE_IMAGE = 'berth/buildpack-node:bookworm';
/** Printed by the dependency install step, so a build log (and a test) can find it. */
export const DEPS_MARKER = 'berth: installing dependencies';

const EXACT = /^\d+\.\d+\.\d+$/;

/** The runtime image of one exact Node.js version. */
export const nodeImage = (version: string): string => `berth/node:${version}`;

/** The Dockerfile of berth/node:<version> (its build context holds nothing else). */
export function nodeRuntimeDockerfile(version: string): string {
  if (!EXACT.test(version)) throw new Error(`not an exact Node.js version: ${version}`);
  return renderTemplate(templateDir('node', __dirname), 'Runtime.njk', { base: NODE_BASE_IMAGE, version });
}

function command(source: SourceView, pkg: PackageJson, berry: boolean): string[] | null {
  const web = procfileCommand(source, 'web');
  if (web) return shellCmd(web);
  // Plug'n'Play has no node_modules: only `yarn` can start a Berry app.
  if (pkg.scripts.start) return berry ? ['yarn', 'start'] : ['npm', 'start'];
  if (source.has('server.js')) return ['node', 'server.js'];
  if (source.has('Procfile')) return null; // no web process: berth runs the Procfile's types
  throw new BerthError('BUILD_FAILED', 'Nothing says how to start this Node.js app: add "scripts": { "start": "node index.js" } to package.json, a server.js, or a Procfile with a web: line.');
}

/** The Dockerfile for an app, given the Node.js version already chosen (pure: unit tests call it). */
export function nodeDockerfile(source: SourceView, version: string, options: { cacheMounts?: boolean } = {}): string {
  const pkg = readPackageJson(source);
  const plan = planInstall(source, pkg);
  const cmd = command(source, pkg, plan.berry);
  const script = (name: string): string | null => (pkg.scripts[name] ? plan.runScript(name) : null);
  // Before the install, through npm: `yarn run` in a Berry project refuses to run before an install.
  const prebuild = pkg.scripts['heroku-prebuild'] ? 'npm run heroku-prebuild' : null;
  // As on Heroku: heroku-postbuild replaces build when both are there.
  const build = script('heroku-postbuild') ?? script('build');
  const layered = !prebuild && !plan.berry;
  return renderTemplate(templateDir('node', __dirname), 'Dockerfile.njk', {
    image: nodeImage(version),
    version,
    marker: DEPS_MARKER,
    plan,
    layered,
    sourceFirstWhy: prebuild ? 'heroku-prebuild runs before the install and may read any file' : 'Yarn Berry installs read .yarnrc.yml and .yarn/',
    prebuild,
    build,
    cleanup: script('heroku-cleanup'),
    cmd: cmd ? execForm(cmd) : null,
    // The package manager's download cache or store kept between this app's builds (scoped to it by dockerfile-prep).
    pmCache: options.cacheMounts ? `--mount=type=cache,target=${plan.cacheDir} ` : '',
  });
}

export const nodeBuildpack: Buildpack = {
  name: 'node',
  looksFor: 'package.json',
  detect: (source) => source.has('package.json'),
  async dockerfile(source: SourceView, ctx: BuildpackContext) {
    const pkg = readPackageJson(source);
    planInstall(source, pkg); // a bad packageManager fails before anything is fetched
    const choice = chooseNode(source, pkg, await ctx.runtimes.versions(NODE_PACKAGE));
    if (!EXACT.test(choice.version)) throw new BerthError('RUNTIME_VERSION_UNAVAILABLE', `The registry offers Node.js "${choice.version}", which is not a plain x.y.z version.`);
    ctx.log(`-----> Node.js ${choice.version} (${choice.why})`);
    const image = nodeImage(choice.version);
    const got = await ctx.runtimes.ensure(image, nodeRuntimeDockerfile(choice.version), ctx.log);
    ctx.log(got.cached
      ? `       ${image}: cached, shared with every app on Node.js ${choice.version}`
      : `       ${image}: installed from npm (${NODE_PACKAGE}@${choice.version}) in ${got.seconds.toFixed(1)} s; the next app on this version reuses it`);
    return nodeDockerfile(source, choice.version, { cacheMounts: ctx.cacheMounts });
  },
};
