import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually as poll, get } from '../support/poll';
import { RuntimeImageCache } from '../../app/builds';
import { createDockerEngine } from '../../app/infra/docker';
import { NpmVersions } from '../../app/infra/npm';
import { requireBerthStack } from '../support/requirements';
import { loadBuildpacks } from '../../buildpacks';
import { DEPS_MARKER } from '../../buildpacks/node';
import { FIXTURES, folderSource } from '../unit/buildpacks/sources';

/**
 * Builds each fixture app with its buildpack's generated Dockerfile on the real Docker Engine
 * (legacy builder, local images only), runs it, and asks it for its page over the default bridge.
 */

const ROOT = path.resolve(__dirname, '../../..');
const RUN = randomBytes(4).toString('hex');

function docker(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

async function dockerOk(args: string[]): Promise<string> {
  const r = await docker(args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.code}):\n${r.out.slice(-4000)}`);
  return r.out;
}

function bash(script: string, args: string[] = []): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

/** This file's patience: up to 30_000 ms, every 250 ms. */
const eventually = <T>(fn: () => Promise<T>, ms = 30_000): Promise<T> => poll(fn, ms, 250);

describe('buildpacks: images on the real Docker Engine', function () {
  const containers: string[] = [];
  const images: string[] = [];
  /** Every layer id our builds printed: the stage images a multi-stage build leaves untagged. */
  const layers = new Set<string>();
  const dirs: string[] = [];

  before(async function () {
    requireBerthStack();
    if ((await docker(['image', 'inspect', 'berth/base:bookworm'])).code !== 0) {
      const r = await bash(path.join(ROOT, 'deploy/images/base.sh'));
      assert.equal(r.code, 0, r.out);
    }
    for (const bp of loadBuildpacks()) {
      const r = await bash(path.join(ROOT, 'buildpacks', bp.name, 'image.sh'));
      assert.equal(r.code, 0, `${bp.name}/image.sh:\n${r.out}`);
    }
  });

  after(async function () {
    this.timeout(120_000);
    for (const c of containers) await docker(['rm', '-f', '-v', c]);
    for (const i of images) await docker(['rmi', '-f', i]);
    // Without -f: a layer still used (the runtime images, another build) stays.
    if (layers.size > 0) await docker(['rmi', ...[...layers].reverse()]);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** A temp copy of the fixture with the buildpack's Dockerfile at .berth/Dockerfile. */
  async function prepare(fixture: string): Promise<{ dir: string; buildpack: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-bp-${fixture}-`));
    dirs.push(dir);
    fs.cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
    const source = folderSource(dir);
    const bp = loadBuildpacks().find((b) => b.detect(source));
    assert.ok(bp, `no buildpack for ${fixture}`);
    fs.mkdirSync(path.join(dir, '.berth'));
    // The node buildpack's runtime image (berth/node:<version>) is built or reused as on a push.
    const engine = createDockerEngine({ socketPath: '/var/run/docker.sock' });
    const runtimes = new RuntimeImageCache({ engine, versions: new NpmVersions(), memoryMb: 2048 });
    fs.writeFileSync(path.join(dir, '.berth/Dockerfile'), await bp.dockerfile(source, { log: () => undefined, runtimes, config: {} }));
    return { dir, buildpack: bp.name };
  }

  async function build(dir: string, tag: string): Promise<{ log: string; seconds: number }> {
    if (!images.includes(tag)) images.push(tag);
    const start = process.hrtime.bigint();
    const log = await dockerOk(['build', '--force-rm', '-f', path.join(dir, '.berth/Dockerfile'), '-t', tag, dir]);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    for (const step of log.split(/\n(?=Step \d+\/\d+ : )/)) {
      if (/^Step \d+\/\d+ : FROM /i.test(step)) continue; // a runtime image (or a stage of ours): not to delete by id
      for (const m of step.matchAll(/^ ---> ([0-9a-f]{12})$/gm)) layers.add(m[1]);
    }
    return { log, seconds };
  }

  /** Runs the image with PORT=5000 and returns its address on the default bridge. */
  async function run(image: string, name: string): Promise<string> {
    containers.push(name);
    await dockerOk(['run', '-d', '--name', name, '-e', 'PORT=5000', image]);
    const ip = (await dockerOk(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', name])).trim();
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/, `no bridge address for ${name}`);
    return `http://${ip}:5000`;
  }

  async function answers(url: string, body: RegExp, name: string): Promise<void> {
    try {
      await eventually(async () => {
        const r = await get(`${url}/`);
        assert.equal(r.status, 200);
        assert.match(r.body, body);
      });
    } catch (e) {
      const logs = await docker(['logs', '--tail', '50', name]);
      throw new Error(`${name} did not answer ${body}: ${(e as Error).message}\n${logs.out}`);
    }
  }

  const expected: Record<string, string> = {
    'python-app': 'python',
    'go-app': 'go',
    'static-app': 'static',
    'procfile-app': 'procfile',
  };
  for (const [fixture, buildpack] of Object.entries(expected)) {
    it(`builds and runs ${fixture} with the ${buildpack} buildpack`, async () => {
      const app = await prepare(fixture);
      assert.equal(app.buildpack, buildpack);
      const tag = `berth-test/bp-${fixture}:${RUN}`;
      const { seconds } = await build(app.dir, tag);
      console.log(`      ${fixture}: built in ${seconds.toFixed(1)}s`);
      const name = `berth-test-bp-${fixture}-${RUN}`;
      const url = await run(tag, name);
      await answers(url, new RegExp(`${fixture} v1`), name);
      assert.equal((await dockerOk(['exec', name, 'id', '-u'])).trim(), '1000', 'apps run as the app user');
      if (fixture === 'static-app') {
        assert.equal((await get(`${url}/.berth/Dockerfile`)).status, 404, 'the generated Dockerfile is not served');
      }
    });
  }

  it('builds node-app, prunes dev dependencies, and reuses the dependency layer on a code-only push', async () => {
    const app = await prepare('node-app');
    assert.equal(app.buildpack, 'node');
    const tag = `berth-test/bp-node-app:${RUN}`;
    // Cold, like a new app's first push: the runtime image is there, nothing of this app is.
    // (Not --no-cache: that leaves twin layers behind, and the legacy builder then picks the
    // newest twin, which is the final stage's, so the next build would miss once.)
    const manifest = path.join(app.dir, 'package.json');
    fs.writeFileSync(manifest, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifest, 'utf8')), berthTestRun: RUN }, null, 2));
    const cold = await build(app.dir, tag);
    assert.doesNotMatch(cold.log.split(/\n(?=Step \d+\/\d+ : )/).find((s) => s.includes(DEPS_MARKER)) ?? '', /Using cache/);
    const name = `berth-test-bp-node-app-${RUN}`;
    const url = await run(tag, name);
    await answers(url, /node-app v1 .*&lt;built&gt;/, name);
    assert.equal((await dockerOk(['exec', name, 'id', '-u'])).trim(), '1000');
    const modules = (await dockerOk(['exec', name, 'ls', 'node_modules'])).split(/\s+/);
    assert.ok(modules.includes('ms'), 'production dependency installed');
    assert.ok(!modules.includes('escape-html'), 'dev dependency pruned');

    // A push that changes only app code.
    const server = path.join(app.dir, 'server.js');
    fs.writeFileSync(server, fs.readFileSync(server, 'utf8').replace('node-app v1', 'node-app v2'));
    const warm = await build(app.dir, tag);
    const steps = warm.log.split(/\n(?=Step \d+\/\d+ : )/);
    const deps = steps.filter((s) => s.includes(DEPS_MARKER));
    assert.ok(deps.length >= 1, `no dependency step in:\n${warm.log}`);
    for (const s of deps) assert.match(s, / ---> Using cache/, `dependencies were installed again:\n${s}`);
    const ratio = warm.seconds / cold.seconds;
    console.log(`      node-app: cold build ${cold.seconds.toFixed(1)}s, code-only rebuild ${warm.seconds.toFixed(1)}s (${ratio.toFixed(2)}×)`);

    const name2 = `berth-test-bp-node-app-v2-${RUN}`;
    await answers(await run(tag, name2), /node-app v2/, name2);
  });

  it('finds no buildpack for nothing-app', () => {
    assert.equal(loadBuildpacks().find((b) => b.detect(folderSource(path.join(FIXTURES, 'nothing-app')))), undefined);
  });
});
