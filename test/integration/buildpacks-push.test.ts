import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uniqueName, ROOT } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';

/** The BuildKit lines (`#N …`) of the node buildpack's production install step in a push's output. */
function depsStep(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^remote:/, '').trim());
  const n = lines.map((l) => /^#(\d+) \[deps \d+\/\d+\] RUN .*berth: installing dependencies \(/.exec(l)?.[1]).find(Boolean);
  assert.ok(n, `no dependency install step in:\n${output}`);
  return lines.filter((l) => l.startsWith(`#${n} `)).join('\n');
}

/** Apps without a Dockerfile, deployed by real pushes through the buildpacks. */
describe('buildpacks via git push', function () {
  this.timeout(900_000);
  const trees: WorkTree[] = [];
  const tree = (fixture: string) => { const t = WorkTree.fromFixture(fixture); trees.push(t); return t; };

  after(async () => {
    trees.forEach((t) => t.remove());
  });
  const berth = useBerth({}, {
    setUp: () => {
      const missing = ['node', 'python', 'go', 'static', 'procfile']
        .filter((b) => spawnSync('docker', ['image', 'inspect', `berth/buildpack-${b}:bookworm`]).status !== 0);
      if (missing.length) throw new Error(`buildpack images missing (${missing.join(', ')}): run \`bash deploy/images/bootstrap.sh\`.`);
    },
  });

  for (const [fixture, pack] of [['python-app', 'python'], ['static-app', 'static'], ['go-app', 'go'], ['procfile-app', 'procfile']]) {
    it(`deploys ${fixture} with the ${pack} buildpack and serves it through the router`, async () => {
      const app = uniqueName(pack);
      const pushed = tree(fixture).push(berth.url, berth.token, app);
      assert.equal(pushed.code, 0, pushed.output);
      assert.match(pushed.output, new RegExp(`Building with the ${pack} buildpack`));
      const served = await berth.viaRouter(`${app}.localhost`);
      assert.equal(served.status, 200);
      assert.match(served.text, new RegExp(`${fixture} v1`));
    });
  }

  it('deploys a node app with real npm dependencies and reuses the dependency layer when only code changes', async () => {
    const app = uniqueName('node');
    const wt = tree('node-app');
    const first = wt.push(berth.url, berth.token, app);
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /Building with the node buildpack/);
    assert.match((await berth.viaRouter(`${app}.localhost`)).text, /node-app v1/);

    const server = wt.read('server.js').replace(/node-app v1/g, 'node-app v2');
    wt.write('server.js', server);
    wt.commitAll('code only');
    const second = wt.push(berth.url, berth.token, app);
    assert.equal(second.code, 0, second.output);
    // The production install step is a cache hit: BuildKit prints `#N CACHED` for its step.
    assert.match(depsStep(second.output), /^#\d+ CACHED$/m, second.output);
    assert.match((await berth.viaRouter(`${app}.localhost`)).text, /node-app v2/);
  });

  it("keeps npm's download cache between an app's builds, and no other app sees it", async () => {
    // npm logs each fetch with where it came from; prefer-offline takes a cached tarball without
    // asking the registry ("cache stale"), so a reused cache cannot be mistaken for a fresh fetch.
    const TARBALL = /ms-2\.1\.3\.tgz \d+ms \((cache [a-z]+)\)/;
    const fetched = (output: string) => TARBALL.exec(depsStep(output))?.[1];
    const a = uniqueName('npmcache');
    const wt = tree('node-app');
    wt.write('.npmrc', 'loglevel=http\nprefer-offline=true\n');
    wt.commitAll('npm logs its fetches');
    const first = wt.push(berth.url, berth.token, a);
    assert.equal(first.code, 0, first.output);
    assert.equal(fetched(first.output), 'cache miss', first.output);

    // A lockfile change: the install step runs again, on the cache the first build filled.
    for (const file of ['package.json', 'package-lock.json']) wt.write(file, wt.read(file).replace(/"version": "1\.0\.0"/g, '"version": "1.0.1"'));
    wt.commitAll('version 1.0.1');
    const second = wt.push(berth.url, berth.token, a);
    assert.equal(second.code, 0, second.output);
    assert.doesNotMatch(depsStep(second.output), /^#\d+ CACHED$/m, 'the install step ran again');
    assert.equal(fetched(second.output), 'cache stale', second.output);

    // Another app with the very same files starts with an empty cache of its own.
    const b = uniqueName('npmcache');
    const other = wt.push(berth.url, berth.token, b);
    assert.equal(other.code, 0, other.output);
    assert.equal(fetched(other.output), 'cache miss', other.output);
  });

  it('fails a repo that matches nothing, listing what it looked for', async () => {
    const app = uniqueName('nothing');
    const pushed = tree('nothing-app').push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /looked for: Dockerfile, package\.json \(node\)/);
    assert.match(pushed.output, /Procfile \(procfile\)/);
  });

  it('deploys an uploaded tar.gz with apps:deploy-archive through the same queue', async () => {
    const app = uniqueName('archive');
    await berth.api('POST', '/api/v1/apps', { name: app });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'berth-archive-')), 'site.tar.gz');
    const tar = spawnSync('tar', ['-czf', file, '-C', path.join(ROOT, 'test/fixtures/apps/static-app'), '.']);
    assert.equal(tar.status, 0);
    const r = berth.cli(['apps:deploy-archive', app, file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Building with the static buildpack/);
    assert.match((await berth.viaRouter(`${app}.localhost`)).text, /static-app v1/);

    fs.writeFileSync(file, 'not a tarball');
    const bad = berth.cli(['apps:deploy-archive', app, file]);
    assert.equal(bad.code, 1);
    // A .tar.gz is read through gunzip: zlib names what is wrong with a file that is not one.
    assert.ok(bad.stderr.includes('The upload is not a readable tar.gz archive: incorrect header check'), bad.stderr);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('honours builder:set and buildpacks:set overrides', async () => {
    const app = uniqueName('forced');
    await berth.api('POST', '/api/v1/apps', { name: app });
    assert.equal(berth.cli(['builder:set', app, 'buildpack']).code, 0);
    const set = berth.cli(['buildpacks:set', app, 'static']);
    assert.equal(set.code, 0, set.stderr);
    const wt = tree('static-app');
    wt.write('Dockerfile', 'FROM berth/busybox:latest\nRUN exit 9\n');
    wt.commitAll('a Dockerfile that would fail');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    assert.match(pushed.output, /Building with the static buildpack/);
    const bad = await berth.api('PATCH', `/api/v1/apps/${app}/builder`, { buildpack: 'cobol' });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.error.code, 'NO_BUILDER');
  });
});
