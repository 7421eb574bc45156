/**
 * The contract every service plugin must pass. It checks the plugin on its own (manifest,
 * descriptor) and through a real berth (create, info, restart, loopback expose, export/import,
 * link, destroy). Run it against your plugin with `npm run test:plugin -- <plugin-folder>`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { checkCompatible, readManifest, type PluginContext } from '../../app/plugins';
import type { ServiceDescriptor } from '../../app/services-kit';
import { uniqueName, type BerthProcess } from '../support/berth-process';
import { ROOT } from '../support/berth-process';
import fs from 'node:fs';
import path from 'node:path';

const docker = (args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });

/** Loads the plugin's entry with a recording ctx: what did it register? */
export function registeredDescriptor(pluginDir: string): ServiceDescriptor | null {
  const manifest = readManifest(pluginDir);
  const js = path.join(pluginDir, `${manifest.entry ?? 'index'}.js`);
  const rel = path.relative(ROOT, pluginDir);
  const file = fs.existsSync(js) ? js : path.join(ROOT, 'dist', rel, `${manifest.entry ?? 'index'}.js`);
  const mod = require(file) as { default?: { register(ctx: PluginContext): void }; register?(ctx: PluginContext): void };
  const def = mod.default ?? mod;
  let descriptor: ServiceDescriptor | null = null;
  const noop = () => undefined;
  const memory = new Map<string, string>();
  def.register!({
    manifest, berthVersion: '0.1.0',
    hooks: { on: noop }, http: { route: noop },
    cli: { verb: noop }, dashboard: { appPanel: noop },
    services: { register: (d) => { descriptor = d; } },
    storage: {
      get: (k) => memory.get(k) ?? null, set: (k, v) => { memory.set(k, v); }, delete: (k) => memory.delete(k), keys: () => [...memory.keys()],
      getJson: () => null, setJson: noop,
    },
    log: { info: noop, warn: noop },
    docker: {} as PluginContext['docker'],
  });
  return descriptor;
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setTimeout(3000, () => { s.destroy(); resolve(false); });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/**
 * Defines the contract's mocha tests for the plugin in `pluginDir`, against `berth()` — a
 * running berth that has loaded the plugin (built in, installed, or via BERTH_PLUGINS_PATH).
 */
export function serviceContract(o: { pluginDir: string; berth: () => BerthProcess }): void {
  const manifest = readManifest(o.pluginDir);
  const id = manifest.id;

  describe(`service plugin contract: ${id}`, function () {
    this.timeout(300_000);
    const name = uniqueName('ct');
    let descriptor: ServiceDescriptor;
    const api = (method: string, p: string, body?: unknown) => o.berth().api(method, `/api/v1/services/${id}${p}`, body);

    after(() => {
      docker(['rm', '-f', `berth-svc-${id}-${name}`]);
      docker(['volume', 'rm', '-f', `berth-svc-${id}-${name}-data`]);
    });

    it('has a valid manifest that accepts this berth', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
      checkCompatible(manifest, pkg.version);
    });

    it('registers one service descriptor with the required fields', () => {
      const d = registeredDescriptor(o.pluginDir);
      assert.ok(d, 'register(ctx) calls ctx.services.register(descriptor)');
      descriptor = d;
      assert.ok(Number.isInteger(d.port) && d.port > 0 && d.port < 65536, 'port');
      assert.match(d.envAlias, /^[A-Z_][A-Z0-9_]*$/, 'envAlias is an env var name');
      assert.match(d.scheme, /^[a-z][a-z0-9+.-]*$/, 'scheme');
      assert.ok(path.isAbsolute(d.dataDir), 'dataDir is absolute');
      const env = d.containerEnv({ user: 'u', password: 'p', database: 'd' });
      assert.ok(Object.values(env).every((v) => typeof v === 'string'), 'containerEnv gives strings');
      assert.ok(d.image ?? manifest.image, 'an image (descriptor or plugin.json)');
    });

    it('is loaded by berth and listed as a service plugin', async () => {
      const res = await o.berth().api('GET', '/api/v1/services');
      assert.ok(res.json.plugins.some((p: { id: string }) => p.id === id), res.text);
    });

    it('creates a ready service on the berth network, not published on the host', async () => {
      const res = await api('POST', '', { name });
      assert.equal(res.status, 201, res.text);
      const s = res.json.service;
      assert.equal(s.status, 'running');
      assert.equal(new URL(s.url).protocol, `${descriptor.scheme}:`);
      assert.equal(new URL(s.url).hostname, `berth-svc-${id}-${name}`);
      const ports = docker(['inspect', '-f', '{{json .NetworkSettings.Ports}}', s.container]).stdout;
      assert.doesNotMatch(ports, /HostPort/, 'no port published');
      const nets = docker(['inspect', '-f', '{{json .NetworkSettings.Networks}}', s.container]).stdout;
      assert.ok(nets.includes(`"${o.berth().env.BERTH_NETWORK}"`), 'on the berth network');
      assert.equal((await api('POST', '', { name })).json.error.code, 'SERVICE_EXISTS');
    });

    it('restarts and stays ready; logs are readable', async () => {
      const res = await api('POST', `/${name}/restart`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.service.status, 'running');
      assert.equal((await api('GET', `/${name}/logs?tail=5`)).status, 200);
    });

    it('exposes on 127.0.0.1 only, and unexposes', async () => {
      const port = 20000 + Math.floor(Math.random() * 20000);
      const res = await api('POST', `/${name}/expose`, { port });
      assert.equal(res.status, 200, res.text);
      const bound = docker(['port', `berth-svc-${id}-${name}`]).stdout;
      assert.match(bound, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.doesNotMatch(bound, /0\.0\.0\.0|\[::\]/);
      assert.ok(await tcpOpen(port), 'reachable on the loopback port');
      const un = await api('DELETE', `/${name}/expose`);
      assert.equal(un.json.service.exposedPort, null);
      assert.equal(docker(['port', `berth-svc-${id}-${name}`]).stdout.trim(), '');
    });

    it('exports and imports its own backup, or says it cannot', async () => {
      const headers = { authorization: `Bearer ${o.berth().token}` };
      const exp = await fetch(`${o.berth().url}/api/v1/services/${id}/${name}/export`, { headers });
      if (!descriptor.export) {
        assert.equal(((await exp.json()) as { error: { code: string } }).error.code, 'SERVICE_UNSUPPORTED');
        return;
      }
      assert.equal(exp.status, 200);
      const dump = Buffer.from(await exp.arrayBuffer());
      assert.ok(dump.length > 0, 'a non-empty backup');
      const imp = await fetch(`${o.berth().url}/api/v1/services/${id}/${name}/import`, {
        method: 'POST', body: dump, headers: { ...headers, 'content-type': 'application/octet-stream' },
      });
      assert.equal(imp.status, 200, await imp.text());
      // A backup that is not one is refused, and the service keeps working.
      const bad = await fetch(`${o.berth().url}/api/v1/services/${id}/${name}/import`, {
        method: 'POST', body: 'this is not a backup\n', headers: { ...headers, 'content-type': 'application/octet-stream' },
      });
      assert.equal(bad.status, 422, await bad.text());
      assert.equal((await api('GET', `/${name}`)).json.service.status, 'running');
    });

    it('a backup of it restores into a throw-away container and passes its own verification (verifyRestore, checkRestore)', async () => {
      if (!descriptor.export || !descriptor.import) return;
      const made = await api('POST', `/${name}/backups`, {});
      assert.equal(made.status, 201, made.text);
      const res = await api('POST', `/${name}/backups/${made.json.backup.id}/verify`, {});
      assert.equal(res.status, 200, res.text);
      const v = res.json.verification;
      assert.deepEqual([v.ok, v.problems], [true, []], res.text);
      if (descriptor.verifyRestore) assert.ok(v.tables !== null || v.keys !== null, `verifyRestore counted something: ${res.text}`);
      const left = docker(['ps', '-a', '--filter', `label=berth.verify.service=${id}/${name}`, '--format', '{{.Names}}']).stdout.trim();
      assert.equal(left, '', 'the throw-away container is gone');
      const volumes = docker(['volume', 'ls', '--filter', `label=berth.verify.service=${id}/${name}`, '--format', '{{.Name}}']).stdout.trim();
      assert.equal(volumes, '', 'and its volume');
    });

    it('links to an app (env alias from the descriptor) and unlinks', async () => {
      const app = uniqueName('ctapp');
      await o.berth().api('POST', '/api/v1/apps', { name: app });
      const link = await api('POST', `/${name}/links`, { app });
      assert.equal(link.status, 201, link.text);
      assert.equal(link.json.link.alias, descriptor.envAlias);
      assert.deepEqual((await api('GET', `/${name}`)).json.service.links, [{ app, alias: descriptor.envAlias }]);
      const refused = await api('DELETE', `/${name}`, { confirm: name });
      assert.equal(refused.json.error.code, 'SERVICE_LINKED');
      assert.equal((await api('DELETE', `/${name}/links/${app}`)).status, 200);
      await o.berth().api('DELETE', `/api/v1/apps/${app}?confirm=${app}`);
    });

    it('destroys only with confirmation; --force removes the data volume', async () => {
      assert.equal((await api('DELETE', `/${name}`, {})).json.error.code, 'CONFIRMATION_REQUIRED');
      const res = await api('DELETE', `/${name}`, { confirm: name, force: true });
      assert.equal(res.status, 200, res.text);
      assert.equal(docker(['inspect', `berth-svc-${id}-${name}`]).status, 1, 'container gone');
      assert.equal(docker(['volume', 'inspect', `berth-svc-${id}-${name}-data`]).status, 1, 'volume gone');
      assert.equal((await api('GET', `/${name}`)).json.error.code, 'SERVICE_NOT_FOUND');
    });
  });
}
