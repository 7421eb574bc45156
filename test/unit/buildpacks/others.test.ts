import assert from 'node:assert/strict';
import { BerthError } from '../../../app/errors';
import type { Buildpack, SourceView } from '../../../app/ports/buildpack';
import { goBuildpack, goRuntimeDockerfile, mainPackages } from '../../../buildpacks/go';
import { PYTHON_VERSIONS } from '../../../buildpacks/python/python-version';
import { procfileBuildpack } from '../../../buildpacks/procfile';
import { pythonBuildpack } from '../../../buildpacks/python';
import { staticBuildpack } from '../../../buildpacks/static';
import { fakeContext, fixtureSource, memorySource, render } from './sources';

async function fails(bp: Buildpack, source: SourceView, pattern: RegExp, code = 'BUILD_FAILED'): Promise<void> {
  await assert.rejects(render(bp, source), (e: unknown) => e instanceof BerthError && e.code === code && pattern.test(e.message));
}

describe('buildpacks: python', () => {
  it('runs the Procfile web line in a venv, skipping pip for an empty requirements.txt', async () => {
    const df = await render(pythonBuildpack, fixtureSource('python-app'));
    assert.match(df, /^FROM berth\/buildpack-python:bookworm$/m);
    assert.match(df, /^RUN python3 -m venv \/opt\/venv$/m);
    assert.match(df, /PATH=\/opt\/venv\/bin:/);
    assert.doesNotMatch(df, /pip install/);
    assert.match(df, /^CMD \["\/bin\/sh", "-c", "python3 app\.py"\]$/m);
    assert.match(df, /^USER app$/m);
  });

  it('installs listed requirements in their own layer before the source', async () => {
    const df = await render(pythonBuildpack, memorySource({ 'requirements.txt': 'flask==3.0.0\n', Procfile: 'web: flask run' }));
    assert.ok(df.indexOf('COPY requirements.txt ./') < df.indexOf('pip install -r requirements.txt'));
    assert.ok(df.indexOf('pip install -r requirements.txt') < df.indexOf('COPY --chown=app:app . ./'));
    const nested = await render(pythonBuildpack, memorySource({ 'requirements.txt': '-r base.txt\n', Procfile: 'web: x' }));
    assert.ok(nested.indexOf('COPY --chown=app:app . ./') < nested.indexOf('pip install -r requirements.txt'));
  });

  it('installs after the source when requirements.txt finds links in a local folder', async () => {
    for (const line of ['--find-links ./vendor', '-f vendor', '--find-links=wheels/']) {
      const df = await render(pythonBuildpack, memorySource({ 'requirements.txt': `${line}\ngreet==1.0.0\n`, Procfile: 'web: x' }));
      assert.ok(df.indexOf('COPY --chown=app:app . ./') < df.indexOf('pip install -r requirements.txt'), line);
      assert.doesNotMatch(df, /^COPY requirements\.txt/m, line);
    }
    const remote = await render(pythonBuildpack, memorySource({ 'requirements.txt': '--find-links https://example.test/wheels\ngreet==1.0.0\n', Procfile: 'web: x' }));
    assert.match(remote, /^COPY requirements\.txt \.\/$/m, 'a remote --find-links needs no source');
  });

  it("mounts pip's cache on every pip install, only when berth builds with cache mounts", async () => {
    const mounts = { ...fakeContext(), cacheMounts: true };
    const cases: Record<string, string>[] = [{ 'requirements.txt': 'flask\n' }, { 'requirements.txt': '-r base.txt\n' }, { Pipfile: '', 'Pipfile.lock': '{}' }, { 'pyproject.toml': '' }];
    for (const files of cases) {
      const source = memorySource({ ...files, Procfile: 'web: x' });
      const df = await render(pythonBuildpack, source, mounts);
      const pips = df.split('\n').filter((l) => l.startsWith('RUN ') && /installing (dependencies|the project)/.test(l));
      assert.equal(pips.length, 1, df);
      assert.ok(pips[0].startsWith('RUN --mount=type=cache,target=/root/.cache/pip echo'), pips[0]);
      assert.doesNotMatch(df, /PIP_NO_CACHE_DIR/);
      const plain = await render(pythonBuildpack, source);
      assert.doesNotMatch(plain, /--mount/);
      assert.match(plain, /PIP_NO_CACHE_DIR=1/, 'without a mount the cache would only bloat the layer');
    }
  });

  it('installs a pyproject.toml-only app as a package', async () => {
    assert.match(await render(pythonBuildpack, memorySource({ 'pyproject.toml': '', Procfile: 'web: x' })), /pip install \.$/m);
  });

  it('fails clearly without a Procfile web line', async () => {
    await fails(pythonBuildpack, memorySource({ 'requirements.txt': '' }), /Procfile.*web/);
    await fails(pythonBuildpack, memorySource({ 'requirements.txt': '', Procfile: 'worker: python3 w.py' }), /web/);
  });
});

describe('buildpacks: python versions and conventions', () => {
  const web = { Procfile: 'web: python3 app.py', 'requirements.txt': '' };

  it('takes the version from runtime.txt, .python-version or Pipfile and says so', async () => {
    const have = PYTHON_VERSIONS[0];
    const line = async (files: Record<string, string>) => { const ctx = fakeContext(); await render(pythonBuildpack, memorySource({ ...web, ...files }), ctx); return ctx.lines[0]; };
    assert.equal(await line({ 'runtime.txt': `python-${have}\n` }), `-----> Python ${have} ("python-${have}" in runtime.txt)`);
    assert.equal(await line({ '.python-version': '3.11\n' }), `-----> Python ${have} ("3.11" in .python-version)`);
    assert.equal(await line({ 'runtime.txt': 'python-3.11.9' }), `-----> Python ${have} ("python-3.11.9" in runtime.txt; berth has ${have} of the 3.11 line)`);
    assert.equal(await line({ Pipfile: '[requires]\npython_version = "3.11"\n', 'Pipfile.lock': '{}' }), `-----> Python ${have} (python_version "3.11" in Pipfile)`);
    assert.match(await line({}), /no runtime\.txt, \.python-version or Pipfile python_version/);
  });

  it('fails a version it does not have, naming the ones it has', async () => {
    await fails(pythonBuildpack, memorySource({ ...web, 'runtime.txt': 'python-3.12.1' }), new RegExp(`asks for Python 3\\.12\\.1, but berth's python buildpack has only Python ${PYTHON_VERSIONS[0].replace(/\./g, '\\.')}`), 'RUNTIME_VERSION_UNAVAILABLE');
    await fails(pythonBuildpack, memorySource({ ...web, 'runtime.txt': 'python-3.11 && curl x' }), /runtime\.txt holds/, 'RUNTIME_VERSION_UNAVAILABLE');
  });

  it('installs Pipfile.lock in its own layer and refuses a Pipfile without a lock', async () => {
    const df = await render(pythonBuildpack, memorySource({ Procfile: 'web: x', Pipfile: '', 'Pipfile.lock': '{}' }));
    assert.ok(df.indexOf('COPY Pipfile.lock ./') < df.indexOf('COPY --chown=app:app . ./'));
    assert.match(df, /Pipfile\.lock with pip/);
    await fails(pythonBuildpack, memorySource({ Procfile: 'web: x', Pipfile: '' }), /pipenv lock/);
  });

  it('runs collectstatic for a manage.py app unless DISABLE_COLLECTSTATIC is set', async () => {
    const django = memorySource({ ...web, 'manage.py': '' });
    assert.match(await render(pythonBuildpack, django), /^RUN .*python manage\.py collectstatic --noinput$/m);
    const ctx = fakeContext({ config: { DISABLE_COLLECTSTATIC: '1' } });
    assert.doesNotMatch(await render(pythonBuildpack, django, ctx), /collectstatic --noinput/);
    assert.match(ctx.lines.join('\n'), /DISABLE_COLLECTSTATIC is set/);
    assert.doesNotMatch(await render(pythonBuildpack, memorySource(web)), /collectstatic/);
  });
});

describe('buildpacks: static', () => {
  it('serves the root with busybox httpd on $PORT, without berth\'s Dockerfile', async () => {
    const df = await render(staticBuildpack, fixtureSource('static-app'));
    assert.match(df, /^FROM berth\/buildpack-static:bookworm$/m);
    assert.match(df, /busybox httpd -f -v -p \\"\$\{PORT:-5000\}\\" -h \/app"\]$/m);
    assert.match(df, /^RUN rm -rf \.berth$/m);
    assert.match(df, /^EXPOSE 5000$/m);
  });

  it('serves only public/ when there is no root index.html', async () => {
    const df = await render(staticBuildpack, memorySource({ 'public/index.html': '', 'notes.md': '' }));
    assert.match(df, /-h \/app\/public"\]$/m);
    assert.match(df, /^COPY --chown=app:app public\/ \.\/public\/$/m);
  });
});

describe('buildpacks: go', () => {
  it('builds the one main package offline and runs just the binary on the base image', async () => {
    const df = await render(goBuildpack, fixtureSource('go-app'));
    assert.match(df, /^FROM berth\/buildpack-go:bookworm AS build$/m);
    assert.match(df, /CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"/);
    assert.match(df, /^COPY go\.mod \.\/\n.*go mod download$/m);
    assert.match(df, /go build -trimpath -o \/out\/app \.$/m);
    assert.match(df, /^FROM berth\/base:bookworm$/m);
    assert.match(df, /^COPY --from=build \/out\/app \/app\/app$/m);
    assert.match(df, /^CMD \["\/app\/app"\]$/m);
  });

  it('finds main packages outside vendor/ and testdata/', async () => {
    const source = memorySource({
      'go.mod': 'module x',
      'cmd/api/main.go': 'package main',
      'lib/lib.go': 'package lib',
      'vendor/y/main.go': 'package main',
      'cmd/api/main_test.go': 'package main',
    });
    assert.deepEqual(mainPackages(source), ['cmd/api']);
    assert.match(await render(goBuildpack, source), /-o \/out\/app \.\/cmd\/api$/m);
  });

  it('builds several programs into /app/bin when a Procfile names them, else fails', async () => {
    const files = { 'go.mod': 'module x', 'cmd/a/main.go': 'package main', 'cmd/b/main.go': 'package main' };
    await fails(goBuildpack, memorySource(files), /Several Go programs.*Procfile/);
    const df = await render(goBuildpack, memorySource({ ...files, Procfile: 'web: a\nworker: b' }));
    assert.match(df, /go build -trimpath -o \/out\/bin\/ \.\/\.\.\.$/m);
    assert.match(df, /^CMD \["\/bin\/sh", "-c", "a"\]$/m);
  });

  it('fails without a package main', async () => {
    await fails(goBuildpack, memorySource({ 'go.mod': 'module x', 'lib.go': 'package lib' }), /package main/);
  });
});

describe('buildpacks: go versions and GOPATH apps', () => {
  it('builds a .godir app in GOPATH mode into /app/bin named after the last element', async () => {
    const ctx = fakeContext();
    const df = await render(goBuildpack, memorySource({ '.godir': 'github.com/you/web\n', 'main.go': 'package main', Procfile: 'web: web' }), ctx);
    assert.match(df, /GO111MODULE=off GOPATH=\/go GOBIN=\/out\/bin/);
    assert.match(df, /^WORKDIR \/go\/src\/github\.com\/you\/web$/m);
    assert.match(df, /go install -trimpath \.\/\.\.\.$/m);
    assert.match(df, /^COPY --from=build \/out\/bin\/ \/app\/bin\/$/m);
    assert.match(df, /^ENV PORT=5000 PATH=\/app\/bin:/m);
    assert.match(df, /^CMD \["\/bin\/sh", "-c", "web"\]$/m);
    assert.deepEqual(ctx.lines, ['-----> Go 1.19 (GOPATH app (.godir): no go.mod; berth\'s default)']);
    assert.equal(ctx.ensured.size, 0, 'the buildpack image has Go 1.19: nothing to install');
    const noProcfile = await render(goBuildpack, memorySource({ '.godir': 'example.com/api', 'main.go': 'package main' }));
    assert.match(noProcfile, /^CMD \["\/app\/bin\/api"\]$/m);
  });

  it('refuses a .godir that is not an import path', async () => {
    for (const bad of ['../../etc', 'a b', 'x/./y', '/abs', 'x;rm -rf /']) {
      await fails(goBuildpack, memorySource({ '.godir': bad, 'main.go': 'package main' }), /\.godir must hold one Go import path/);
    }
  });

  it("picks go.mod's Go line when berth has it, else the oldest newer one, says which and why, and installs it once", async () => {
    const ctx = fakeContext({ present: ['berth/go:1.23'] });
    const build = async (gomod: string) => {
      ctx.lines.length = 0;
      const df = await render(goBuildpack, memorySource({ 'go.mod': gomod, 'main.go': 'package main' }), ctx);
      return { df, lines: [...ctx.lines] };
    };
    const same = await build('module x\n\ngo 1.22.3\n');
    assert.deepEqual(same.lines, ['-----> Go 1.22 (go.mod says go 1.22.3)', '       berth/go:1.22: installed from Debian bookworm-backports (golang-1.22-go) in 12.5 s; the next app on Go 1.22 reuses it']);
    assert.match(same.df, /^FROM berth\/go:1\.22 AS build$/m);
    assert.match(same.df, /go build \. with \$\(go env GOVERSION\)" && go build/, 'the build prints the exact release');
    assert.deepEqual((await build('module x\n\ngo 1.22\n')).lines[1], '       berth/go:1.22: cached, shared with every app on Go 1.22');
    assert.deepEqual((await build('module x\n\ngo 1.20\n')).lines[0], '-----> Go 1.21 (go.mod says go 1.20; berth has no Go 1.20, so it builds with the oldest newer toolchain)');
    assert.deepEqual((await build('module x\n\ngo 1.18\n')).lines, ['-----> Go 1.19 (go.mod says go 1.18; berth has no Go 1.18, so it builds with the oldest newer toolchain)']);
    const bookworm = await build('module x\n\ngo 1.19\n');
    assert.match(bookworm.df, /^FROM berth\/buildpack-go:bookworm AS build$/m);
    assert.deepEqual([...ctx.ensured.keys()], ['berth/go:1.22', 'berth/go:1.21']);
    assert.match(ctx.ensured.get('berth/go:1.22')!, /^FROM berth\/buildpack-go:bookworm$/m);
    assert.match(ctx.ensured.get('berth/go:1.22')!, /-t bookworm-backports golang-1\.22-go;/);
    assert.match(ctx.ensured.get('berth/go:1.22')!, /^ENV GOTOOLCHAIN=local /m, 'never downloads a toolchain itself');
    await fails(goBuildpack, memorySource({ 'go.mod': 'module x\n\ngo 1.99.1\n', 'main.go': 'package main' }),
      /^go\.mod says go 1\.99\.1, but the newest Go berth can install is 1\.23 \(Debian bookworm-backports\)\. Go toolchains berth has: 1\.19, 1\.21, 1\.22, 1\.23\. Lower the go line/, 'RUNTIME_VERSION_UNAVAILABLE');
    assert.throws(() => goRuntimeDockerfile('1.22; rm -rf /'), /not a Go release line/);
  });

  it('keeps vendored builds offline and downloads modules in a layer keyed on go.mod and go.sum', async () => {
    const vendored = await render(goBuildpack, memorySource({ 'go.mod': 'module x', 'go.sum': '', 'main.go': 'package main', 'vendor/modules.txt': '' }));
    assert.match(vendored, /-mod=vendor/);
    assert.doesNotMatch(vendored, /go mod download/);
    const modules = await render(goBuildpack, memorySource({ 'go.mod': 'module x', 'go.sum': '', 'main.go': 'package main' }));
    assert.match(modules, /^COPY go\.mod go\.sum \.\/$/m);
    assert.ok(modules.indexOf('go mod download') < modules.indexOf('COPY . .'));
    assert.doesNotMatch(modules, /--mount/, 'no cache mounts unless berth builds with them');
    assert.ok(modules.indexOf('ARG GOPROXY\nARG GONOSUMDB\n') < modules.indexOf('go mod download'), 'a module proxy of the app\'s own, as a build arg');
    assert.doesNotMatch(vendored, /ARG GOPROXY/);
    const mounted = await render(goBuildpack, memorySource({ 'go.mod': 'module x', 'go.sum': '', 'main.go': 'package main' }), { ...fakeContext(), cacheMounts: true });
    assert.match(mounted, /^RUN --mount=type=cache,target=\/go\/pkg\/mod echo '-----> berth: downloading modules/m);
    assert.match(mounted, /^RUN --mount=type=cache,target=\/go\/pkg\/mod echo "-----> berth: go build/m, 'the build reads the modules from the same cache');
    const vendoredMounts = await render(goBuildpack, memorySource({ 'go.mod': 'module x', 'main.go': 'package main', 'vendor/modules.txt': '' }), { ...fakeContext(), cacheMounts: true });
    assert.doesNotMatch(vendoredMounts, /--mount/, 'a vendored build needs no module cache');
  });
});

describe('buildpacks: procfile', () => {
  it('copies the source onto the base runtime and runs the web line', async () => {
    const df = await render(procfileBuildpack, fixtureSource('procfile-app'));
    assert.match(df, /^FROM berth\/buildpack-procfile:bookworm$/m);
    assert.match(df, /^CMD \["\/bin\/sh", "-c", "perl server\.pl"\]$/m);
    assert.match(df, /^COPY --chown=app:app \. \.\/$/m);
  });

  it('leaves CMD alone when the Procfile has no web process', async () => {
    assert.doesNotMatch(await render(procfileBuildpack, memorySource({ Procfile: 'worker: ./run' })), /^CMD/m);
  });
});
