import { BerthError } from '../../app/errors';
import type { Buildpack, SourceView } from '../../app/ports/buildpack';
import { readPackageJson, type PackageJson } from '../shared/package-json';
import { procfileCommand, shellCmd } from '../shared/procfile';
import { satisfies } from '../shared/semver-range';
import { execForm, renderTemplate, templateDir } from '../shared/template';
import { planInstall } from './package-manager';

export const NODE_IMAGE = 'berth/buildpack-node:bookworm';
/** Node.js in NODE_IMAGE: Debian bookworm's nodejs (image.sh). Change both together. */
export const NODE_VERSION = '18.20.4';
/** Printed by the dependency install step, so a build log (and a test) can find it. */
export const DEPS_MARKER = 'berth: installing dependencies';

function checkEngines(pkg: PackageJson): void {
  if (!pkg.enginesNode) return;
  const ok = satisfies(NODE_VERSION, pkg.enginesNode);
  if (ok === null) {
    throw new BerthError('BUILD_FAILED', `package.json engines.node "${pkg.enginesNode}" is not a version range berth understands; use e.g. ">=18" or "18.x".`);
  }
  if (!ok) {
    throw new BerthError('BUILD_FAILED', `package.json asks for Node.js "${pkg.enginesNode}", but the node buildpack has Node.js ${NODE_VERSION} (Debian bookworm): relax engines.node or add a Dockerfile.`);
  }
}

function command(source: SourceView, pkg: PackageJson): string[] | null {
  const web = procfileCommand(source, 'web');
  if (web) return shellCmd(web);
  if (pkg.scripts.start) return ['npm', 'start'];
  if (source.has('server.js')) return ['node', 'server.js'];
  if (source.has('Procfile')) return null; // no web process: berth runs the Procfile's types
  throw new BerthError('BUILD_FAILED', 'Nothing says how to start this Node.js app: add "scripts": { "start": "node index.js" } to package.json, a server.js, or a Procfile with a web: line.');
}

export const nodeBuildpack: Buildpack = {
  name: 'node',
  looksFor: 'package.json',
  detect: (source) => source.has('package.json'),
  dockerfile(source) {
    const pkg = readPackageJson(source);
    checkEngines(pkg);
    const plan = planInstall(source, pkg);
    const cmd = command(source, pkg);
    return renderTemplate(templateDir('node', __dirname), 'Dockerfile.njk', {
      image: NODE_IMAGE,
      marker: DEPS_MARKER,
      plan,
      build: pkg.scripts.build ? plan.runScript('build') : null,
      cmd: cmd ? execForm(cmd) : null,
    });
  },
};
