import assert from 'node:assert/strict';
import { BerthError } from '../../../app/errors';
import type { Buildpack, SourceView } from '../../../app/ports/buildpack';
import { goBuildpack, mainPackages } from '../../../buildpacks/go';
import { procfileBuildpack } from '../../../buildpacks/procfile';
import { pythonBuildpack } from '../../../buildpacks/python';
import { staticBuildpack } from '../../../buildpacks/static';
import { fixtureSource, memorySource, render } from './sources';

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

  it('installs a pyproject.toml-only app as a package', async () => {
    assert.match(await render(pythonBuildpack, memorySource({ 'pyproject.toml': '', Procfile: 'web: x' })), /pip install \.$/m);
  });

  it('fails clearly without a Procfile web line', async () => {
    await fails(pythonBuildpack, memorySource({ 'requirements.txt': '' }), /Procfile.*web/);
    await fails(pythonBuildpack, memorySource({ 'requirements.txt': '', Procfile: 'worker: python3 w.py' }), /web/);
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
