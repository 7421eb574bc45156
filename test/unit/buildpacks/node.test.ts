import assert from 'node:assert/strict';
import { BerthError } from '../../../app/errors';
import { DEPS_MARKER, NODE_VERSION, nodeBuildpack } from '../../../buildpacks/node';
import { fixtureSource, memorySource } from './sources';

const pkg = (o: object): string => JSON.stringify(o);

function fails(files: Record<string, string>, pattern: RegExp): BerthError {
  try {
    nodeBuildpack.dockerfile(memorySource(files));
  } catch (e) {
    assert.ok(e instanceof BerthError, String(e));
    assert.equal(e.code, 'BUILD_FAILED');
    assert.match(e.message, pattern);
    return e;
  }
  return assert.fail('expected BUILD_FAILED');
}

describe('buildpacks: node', () => {
  it('renders a deps stage keyed on package.json and the lockfile, a build stage, and a slim final stage', () => {
    const df = nodeBuildpack.dockerfile(fixtureSource('node-app'));
    const lines = df.split('\n');
    const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
    assert.match(df, /^FROM berth\/buildpack-node:bookworm AS deps$/m);
    assert.match(df, /^COPY package\.json package-lock\.json \.\/$/m);
    assert.match(df, new RegExp(`^RUN echo '-----> ${DEPS_MARKER} \\(npm ci --omit=dev\\)' && npm ci --omit=dev`, 'm'));
    assert.match(df, /^FROM deps AS build$/m);
    assert.match(df, /NODE_ENV=development npm ci --include=dev/);
    assert.match(df, /npm run build && rm -rf node_modules \.berth/);
    assert.match(df, /^USER app$/m);
    assert.match(df, /^EXPOSE 5000$/m);
    assert.match(df, /^CMD \["npm", "start"\]$/m);
    // Dependencies install before any source is copied; the final stage copies source last.
    assert.ok(at(/npm ci --omit=dev/) < at(/^COPY \. \.$/));
    assert.ok(at(/^COPY --from=deps/) < at(/^COPY --from=build/));
    assert.match(lines.filter((l) => l.trim()).pop() ?? '', /^COPY --from=build --chown=app:app \/app \.\/$/);
    assert.doesNotMatch(df, /\{\{|\{%/);
  });

  it('skips the build stage without a build script and copies the source itself', () => {
    const df = nodeBuildpack.dockerfile(memorySource({ 'package.json': pkg({ scripts: { start: 'node a.js' } }) }));
    assert.doesNotMatch(df, /AS build/);
    assert.match(df, /npm install --omit=dev/); // no lockfile: npm install
    assert.match(df, /^COPY --chown=app:app \. \.\/$/m);
  });

  it('fails with the available version when engines.node cannot be met', () => {
    const e = fails({ 'package.json': pkg({ engines: { node: '>=20' }, scripts: { start: 'node a.js' } }) }, new RegExp(NODE_VERSION.replace(/\./g, '\\.')));
    assert.match(e.message, />=20/);
    assert.equal(e.unrecoverable, true);
  });

  it('accepts engines.node ranges that Node 18 meets', () => {
    for (const node of ['>=16', '18.x', '^18.12.0', '16 || 18', '*']) {
      nodeBuildpack.dockerfile(memorySource({ 'package.json': pkg({ engines: { node }, scripts: { start: 'x' } }) }));
    }
  });

  it('rejects an engines.node it cannot read, bad JSON, and an app with no way to start', () => {
    fails({ 'package.json': pkg({ engines: { node: 'lts/hydrogen' }, scripts: { start: 'x' } }) }, /not a version range/);
    fails({ 'package.json': '{ nope' }, /not valid JSON/);
    fails({ 'package.json': '[]' }, /JSON object/);
    fails({ 'package.json': pkg({}) }, /start/);
  });

  it('starts from server.js or the Procfile web line when there is no start script', () => {
    assert.match(nodeBuildpack.dockerfile(memorySource({ 'package.json': '{}', 'server.js': '' })), /^CMD \["node", "server\.js"\]$/m);
    const df = nodeBuildpack.dockerfile(memorySource({ 'package.json': '{}', Procfile: 'web: node "web.js" --port $PORT\n' }));
    assert.match(df, /^CMD \["\/bin\/sh", "-c", "node \\"web\.js\\" --port \$PORT"\]$/m);
  });

  it('uses yarn and pnpm when their lockfile (or packageManager) asks', () => {
    const base = { 'package.json': pkg({ scripts: { start: 'x', build: 'y' } }) };
    const yarn = nodeBuildpack.dockerfile(memorySource({ ...base, 'yarn.lock': '# yarn lockfile v1\n' }));
    assert.match(yarn, /^RUN npm install -g yarn@1$/m);
    assert.match(yarn, /^COPY package\.json yarn\.lock \.\/$/m);
    assert.match(yarn, /yarn install --frozen-lockfile --production --non-interactive/);
    assert.match(yarn, /yarn run build/);
    const pnpm = nodeBuildpack.dockerfile(memorySource({ ...base, 'pnpm-lock.yaml': "lockfileVersion: '6.0'\n", '.npmrc': '' }));
    assert.match(pnpm, /^RUN npm install -g pnpm@8$/m);
    assert.match(pnpm, /^COPY package\.json pnpm-lock\.yaml \.npmrc \.\/$/m);
    assert.match(pnpm, /pnpm install --frozen-lockfile --prod\b/);
    const declared = nodeBuildpack.dockerfile(memorySource({ 'package.json': pkg({ packageManager: 'pnpm@9.1.0+sha512.abc', scripts: { start: 'x' } }) }));
    assert.match(declared, /^RUN npm install -g pnpm@9\.1\.0$/m);
  });

  it('refuses Yarn Berry and a packageManager it cannot read', () => {
    fails({ 'package.json': pkg({ packageManager: 'yarn@4.1.0', scripts: { start: 'x' } }), 'yarn.lock': '' }, /Berry/);
    fails({ 'package.json': pkg({ scripts: { start: 'x' } }), 'yarn.lock': '__metadata:\n  version: 8\n' }, /Berry/);
    fails({ 'package.json': pkg({ packageManager: 'pnpm@latest; rm -rf /', scripts: { start: 'x' } }) }, /packageManager/);
  });
});
