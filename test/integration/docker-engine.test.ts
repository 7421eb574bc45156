import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually as poll, get } from '../support/poll';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { BerthError } from '../../app/errors';
import { createDockerEngine } from '../../app/infra/docker';
import type { ContainerEngine, RunContainerOptions } from '../../app/ports/container-engine';

const SOCKET = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';
const ROOT = path.resolve(__dirname, '../../..');

/** An in-memory build context. */
async function tarOf(files: Record<string, string>): Promise<NodeJS.ReadableStream> {
  const p = pack();
  for (const [name, content] of Object.entries(files)) p.entry({ name }, content);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Readable.from([Buffer.concat(chunks)]);
}

/** This file's patience: up to 10_000 ms, every 200 ms. */
const eventually = <T>(fn: () => Promise<T>, ms = 10_000): Promise<T> => poll(fn, ms, 200);

async function rejectsWith(p: Promise<unknown>, code: string): Promise<BerthError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BerthError, `expected a BerthError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

function dockerCli(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('docker ContainerEngine (real engine)', function () {
  const id = randomBytes(4).toString('hex');
  const prefix = `berth-test-${id}`;
  const network = prefix;
  const webTag = `${prefix}:web`;
  const testLabels = { 'berth.test': id };
  const volume = `${prefix}-vol`;
  let engine: ContainerEngine;
  let bindDir: string;

  /** A container spec with the test's unique prefix and label. */
  function spec(name: string, extra: Partial<RunContainerOptions> = {}): RunContainerOptions {
    return { name: `${prefix}-${name}`, image: 'berth/busybox', env: {}, labels: { ...testLabels }, network, ...extra };
  }

  before(function () {
    this.timeout(300_000);
    execFileSync('bash', [path.join(ROOT, 'deploy/images/busybox.sh')], { stdio: 'ignore' });
    engine = createDockerEngine({ socketPath: SOCKET });
    bindDir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
    writeFileSync(path.join(bindDir, 'greeting'), 'from-the-host\n');
  });

  after(async function () {
    this.timeout(120_000);
    if (!engine) return;
    for (const c of await engine.listContainers({ labels: testLabels })) await engine.removeContainer(c.id);
    try { dockerCli('network', 'rm', network); } catch { /* never created */ }
    try { dockerCli('volume', 'rm', '-f', volume); } catch { /* never created */ }
    for (const tag of [webTag, `${prefix}:fail`, `${prefix}:cancel`, `${prefix}:v2`]) await engine.removeImage(tag);
    rmSync(bindDir, { recursive: true, force: true });
  });

  describe('ping', function () {
    it('resolves when the engine answers', async function () {
      await engine.ping();
    });

    it('throws DOCKER_UNAVAILABLE when the socket is missing', async function () {
      const nowhere = createDockerEngine({ socketPath: path.join(tmpdir(), `${prefix}-none.sock`) });
      await rejectsWith(nowhere.ping(), 'DOCKER_UNAVAILABLE');
      await rejectsWith(nowhere.inspectImage('berth/busybox'), 'DOCKER_UNAVAILABLE');
    });
  });

  describe('images', function () {
    let builtId = '';

    it('builds from a tar stream, streams step lines, reports the EXPOSEd port', async function () {
      const lines: string[] = [];
      const context = await tarOf({
        Dockerfile: [
          'FROM berth/busybox',
          'COPY www/ /www/',
          'ARG WHO',
          'RUN echo "built-by-$WHO"',
          'EXPOSE 5000 8080/tcp 53/udp',
          'CMD ["httpd", "-f", "-p", "5000", "-h", "/www"]',
        ].join('\n'),
        'www/index.html': `hello from ${id}\n`,
      });
      const built = await engine.buildImage({
        tag: webTag, context, buildArgs: { WHO: 'berth' }, labels: testLabels, memoryMb: 256, onLog: (l) => lines.push(l),
      });
      builtId = built.id;
      assert.match(built.id, /^sha256:[0-9a-f]{64}$/);
      assert.equal(built.exposedPort, 5000);
      assert.ok(lines.some((l) => /^Step 1\/\d+ : FROM berth\/busybox/.test(l)), lines.join('\n'));
      assert.ok(lines.includes('built-by-berth'), 'build args reach RUN steps');
      assert.ok(lines.every((l) => !l.includes('\n') && !l.endsWith('\r')));
    });

    it('inspects images; null when missing', async function () {
      const info = await engine.inspectImage(webTag);
      assert.ok(info);
      assert.equal(info.id, builtId);
      assert.equal(info.exposedPort, 5000);
      assert.equal(info.hasCommand, true);
      assert.equal(await engine.inspectImage(`${prefix}:missing`), null);
    });

    it('tags and removes images; removing twice is fine', async function () {
      await engine.tagImage(webTag, prefix, 'v2');
      assert.equal((await engine.inspectImage(`${prefix}:v2`))?.id, builtId);
      await engine.removeImage(`${prefix}:v2`);
      assert.equal(await engine.inspectImage(`${prefix}:v2`), null);
      await engine.removeImage(`${prefix}:v2`);
      assert.ok(await engine.inspectImage(webTag), 'the other tag is untouched');
    });

    it('fails with BUILD_FAILED carrying docker\'s error text', async function () {
      const lines: string[] = [];
      const context = await tarOf({ Dockerfile: 'FROM berth/busybox\nRUN echo about-to-fail && exit 3\n' });
      const err = await rejectsWith(
        engine.buildImage({ tag: `${prefix}:fail`, context, onLog: (l) => lines.push(l) }),
        'BUILD_FAILED',
      );
      assert.match(err.message, /returned a non-zero code: 3/);
      assert.ok(lines.includes('about-to-fail'));
      assert.equal(await engine.inspectImage(`${prefix}:fail`), null);
    });

    it('fails with BUILD_FAILED when the Dockerfile is missing', async function () {
      const context = await tarOf({ 'README': 'no dockerfile here\n' });
      const err = await rejectsWith(engine.buildImage({ tag: `${prefix}:fail`, context, onLog: () => {} }), 'BUILD_FAILED');
      assert.match(err.message, /Dockerfile/i);
    });

    it('stops a build when its signal aborts (BUILD_CANCELLED)', async function () {
      const controller = new AbortController();
      const context = await tarOf({ Dockerfile: 'FROM berth/busybox\nRUN echo sleeping && sleep 60\n' });
      // Not honoured, the abort would let the 60 s step finish and the build succeed: no time limit needed.
      await rejectsWith(
        engine.buildImage({
          tag: `${prefix}:cancel`, context, signal: controller.signal,
          onLog: (l) => { if (l === 'sleeping') controller.abort(); },
        }),
        'BUILD_CANCELLED',
      );
      // docker stops the step once the client is gone; its build container disappears.
      await eventually(async () => {
        const running = dockerCli('ps', '-q', '--filter', 'ancestor=berth/busybox', '--filter', 'status=running');
        const cmds = running.trim() === '' ? '' : dockerCli('inspect', '--format', '{{.Path}} {{join .Args " "}}', ...running.trim().split('\n'));
        assert.ok(!cmds.includes('echo sleeping && sleep 60'), cmds);
      }, 20_000);
      assert.equal(await engine.inspectImage(`${prefix}:cancel`), null);
    });

    it('maps a caller\'s abort reason: BerthError as given, timeouts to BUILD_TIMEOUT', async function () {
      const context = await tarOf({ Dockerfile: 'FROM berth/busybox\nRUN sleep 60\n' });
      await rejectsWith(
        engine.buildImage({ tag: `${prefix}:cancel`, context, signal: AbortSignal.timeout(300), onLog: () => {} }),
        'BUILD_TIMEOUT',
      );
      const controller = new AbortController();
      controller.abort(new BerthError('BUILD_TIMEOUT', 'took too long'));
      const err = await rejectsWith(
        engine.buildImage({ tag: `${prefix}:cancel`, context: await tarOf({ Dockerfile: 'FROM berth/busybox\n' }), signal: controller.signal, onLog: () => {} }),
        'BUILD_TIMEOUT',
      );
      assert.equal(err.message, 'took too long');
    });

    it('throws BUILD_CANCELLED at once when already aborted', async function () {
      const context = await tarOf({ Dockerfile: 'FROM berth/busybox\n' });
      await rejectsWith(
        engine.buildImage({ tag: `${prefix}:cancel`, context, signal: AbortSignal.abort(), onLog: () => {} }),
        'BUILD_CANCELLED',
      );
    });
  });

  describe('containers', function () {
    let webId = '';
    let webIp = '';

    it('ensures the network, even when callers race (in this process and in others)', async function () {
      // A second engine stands for another process: it shares no in-process state.
      const other = createDockerEngine({ socketPath: SOCKET });
      await Promise.all([engine.ensureNetwork(network), engine.ensureNetwork(network), other.ensureNetwork(network)]);
      await engine.ensureNetwork(network);
      const names = dockerCli('network', 'ls', '--filter', `name=^${network}$`, '--format', '{{.Name}}').trim().split('\n');
      assert.deepEqual(names, [network]);
    });

    it('runs a container and serves HTTP on its network address', async function () {
      const info = await engine.runContainer(spec('web', {
        image: webTag, labels: { ...testLabels, 'berth.app': `web-${id}`, 'berth.process': 'web' },
        env: { PORT: '5000' }, memoryMb: 64, cpus: 0.5, restartPolicy: 'on-failure:2',
      }));
      assert.equal(info.name, `${prefix}-web`);
      assert.equal(info.state, 'running');
      assert.ok(info.ip, 'has an address on the network');
      webId = info.id;
      webIp = info.ip;
      const res = await eventually(() => get(`http://${webIp}:5000/`));
      assert.equal(res.status, 200);
      assert.equal(res.body, `hello from ${id}\n`);

      const [raw] = JSON.parse(dockerCli('inspect', webId)) as Array<{
        HostConfig: { Memory: number; NanoCpus: number; RestartPolicy: { Name: string; MaximumRetryCount: number }; LogConfig: { Type: string; Config: Record<string, string> } };
        Config: { Env: string[] };
      }>;
      assert.equal(raw.HostConfig.Memory, 64 * 1024 * 1024);
      assert.equal(raw.HostConfig.NanoCpus, 500_000_000);
      assert.deepEqual(raw.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
      assert.deepEqual(raw.HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } });
      assert.ok(raw.Config.Env.includes('PORT=5000'));
    });

    it('lists containers by all given labels, with state and address', async function () {
      const found = await engine.listContainers({ labels: { 'berth.app': `web-${id}`, 'berth.process': 'web' } });
      assert.equal(found.length, 1);
      assert.equal(found[0]?.id, webId);
      assert.equal(found[0]?.name, `${prefix}-web`);
      assert.equal(found[0]?.state, 'running');
      assert.equal(found[0]?.ip, webIp);
      assert.equal(found[0]?.labels['berth.process'], 'web');
      assert.deepEqual(await engine.listContainers({ labels: { 'berth.app': `web-${id}`, 'berth.process': 'worker' } }), []);
    });

    it('inspects containers by name or id; null when missing', async function () {
      const byName = await engine.inspectContainer(`${prefix}-web`);
      assert.equal(byName?.id, webId);
      assert.equal(byName?.ip, webIp);
      assert.equal(byName?.image, webTag);
      assert.equal(await engine.inspectContainer(`${prefix}-nope`), null);
    });

    it('runs one-off commands: exit code, merged output, container removed', async function () {
      const chunks: Buffer[] = [];
      const code = await engine.runOneOff({
        ...spec('oneoff'), command: 'echo hi; echo oops >&2; exit 7', onOutput: (c) => chunks.push(c),
      });
      assert.equal(code, 7);
      const out = Buffer.concat(chunks).toString();
      assert.match(out, /^hi\n/m);
      assert.match(out, /^oops\n/m);
      assert.equal(await engine.inspectContainer(`${prefix}-oneoff`), null);
    });

    it('feeds stdin to one-off commands and takes argv arrays', async function () {
      const chunks: Buffer[] = [];
      const code = await engine.runOneOff({
        ...spec('stdin'), command: ['tr', 'a-z', 'A-Z'], stdin: Readable.from([Buffer.from('shout\n')]),
        onOutput: (c) => chunks.push(c),
      });
      assert.equal(code, 0);
      assert.equal(Buffer.concat(chunks).toString(), 'SHOUT\n');
    });

    it('mounts host paths (bind) and named volumes', async function () {
      const chunks: Buffer[] = [];
      const mounts = [{ source: bindDir, target: '/host' }, { source: volume, target: '/vol' }];
      const write = await engine.runOneOff({
        ...spec('mounts'), mounts, command: 'cat /host/greeting && echo kept > /vol/file', onOutput: (c) => chunks.push(c),
      });
      assert.equal(write, 0);
      const read = await engine.runOneOff({
        ...spec('mounts'), mounts, command: 'cat /vol/file', onOutput: (c) => chunks.push(c),
      });
      assert.equal(read, 0);
      assert.equal(Buffer.concat(chunks).toString(), 'from-the-host\nkept\n');
    });

    it('returns the last lines of stdout and stderr', async function () {
      const info = await engine.runContainer(spec('logger', { command: 'echo one; sleep 0.3; echo two >&2; sleep 0.3; echo three; exec sleep 600' }));
      await eventually(async () => {
        assert.equal(await engine.containerLogs(info.id, 2), 'two\nthree\n');
      });
      assert.equal(await engine.containerLogs(info.id, 10), 'one\ntwo\nthree\n');
      await engine.removeContainer(info.id);
    });

    it('rejects an unknown restart policy, and fails to start cleanly (DEPLOY_FAILED, name reusable)', async function () {
      await rejectsWith(engine.runContainer(spec('bad', { restartPolicy: 'sometimes' })), 'INVALID_INPUT');
      await rejectsWith(engine.runContainer(spec('bad', { command: ['/no/such/binary'] })), 'DEPLOY_FAILED');
      assert.equal(await engine.inspectContainer(`${prefix}-bad`), null);
      await rejectsWith(engine.runContainer(spec('bad', { image: `${prefix}:missing` })), 'DEPLOY_FAILED');
    });

    it('swallows removing an image a running container uses', async function () {
      const before = await engine.inspectImage(webTag);
      assert.ok(before);
      await engine.removeImage(before.id);
      assert.ok(await engine.inspectImage(webTag), 'still there');
    });

    it('stops and removes containers, idempotently', async function () {
      this.timeout(60_000);
      await engine.stopContainer(webId, 2);
      assert.equal((await engine.inspectContainer(webId))?.state, 'exited');
      await engine.stopContainer(webId, 2);
      await engine.removeContainer(webId);
      assert.equal(await engine.inspectContainer(webId), null);
      await engine.removeContainer(webId);
      await engine.stopContainer(webId, 2);
    });

    it('refuses empty ids before they reach docker (INVALID_INPUT)', async function () {
      await rejectsWith(engine.stopContainer('', 1), 'INVALID_INPUT');
      await rejectsWith(engine.inspectContainer(''), 'INVALID_INPUT');
      await rejectsWith(engine.removeImage(' '), 'INVALID_INPUT');
      await rejectsWith(engine.ensureNetwork(''), 'INVALID_INPUT');
    });
  });
});
