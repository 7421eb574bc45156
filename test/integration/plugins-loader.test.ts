import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, uniqueName } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { DashboardSession } from '../support/dashboard-session';
import { WorkTree } from '../support/git-client';
import { ensureServiceImage, removeAppImages, removeServiceLeftovers, rows, write } from './services-support';

/** Writes a plugin folder: plugin.json (object or raw text) and an index.js body. */
function plugin(root: string, dir: string, manifest: object | string, code?: string): void {
  fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.writeFileSync(path.join(root, dir, 'plugin.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  if (code !== undefined) fs.writeFileSync(path.join(root, dir, 'index.js'), code);
}

describe('plugins: loading, refusals, hooks, routes, install/enable/disable', function () {
  this.timeout(600_000);
  let wt: WorkTree;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-plugins-'));
  const extra = path.join(tmp, 'extra');
  const orderLog = path.join(tmp, 'order.log');
  const app = uniqueName('plg');
  const blocked = `blocked-${uniqueName('x')}`;
  const customApp = uniqueName('plgc');
  const PASSWORD = 'plugin panel password';
  const v = (id: string, more: object = {}) => ({ id, version: '1.0.0', berth: '^0.1', ...more });
  const logOrder = (id: string, order?: number) =>
    `module.exports = { register(ctx) { ctx.hooks.on('deploy:after', ({ app }) => { require('fs').appendFileSync(${JSON.stringify(orderLog)}, '${id} ' + app + '\\n'); }${order ? `, { order: ${order} }` : ''}); } };`;

  after(() => {
    wt?.remove();
    if (isStarted(berth)) removeServiceLeftovers(berth);
  });
  // The plugins folder is written before berth starts: it loads plugins once, at start.
  const berth = useBerth({ BERTH_PLUGINS_PATH: extra, BERTH_ADMIN_PASSWORD: PASSWORD }, { setUp: () => {
    ensureServiceImage(path.join(ROOT, 'examples/plugins/memcached'));
    plugin(extra, 'broken-json', '{ "id": "broken-json", ');
    plugin(extra, 'no-version', v('no-version', { version: undefined }), 'module.exports = { register() {} };');
    plugin(extra, 'future', v('future', { berth: '>=99' }), 'module.exports = { register() {} };');
    plugin(extra, 'needs-ghost', v('needs-ghost', { dependencies: { ghost: '^1' } }), 'module.exports = { register() {} };');
    plugin(extra, 'throws', v('throws'), 'module.exports = { register() { throw new Error("no config file"); } };');
    plugin(extra, 'hello', v('hello'), `module.exports = { register(ctx) {
      ctx.hooks.on('release:env', () => ({ HELLO_FROM_PLUGIN: 'hello ' + ctx.manifest.version }));
      ctx.hooks.on('deploy:after', ({ app }) => { require('fs').appendFileSync(${JSON.stringify(orderLog)}, 'hello ' + app + '\\n'); });
      ctx.http.route({ method: 'GET', path: '/greet', handler: (q) => {
        const calls = Number(ctx.storage.get('calls') || '0') + 1;
        ctx.storage.set('calls', String(calls));
        return { greeting: 'hello ' + q.name, calls };
      } });
    } };`);
    plugin(extra, 'early', v('early'), logOrder('early', 10));
    plugin(extra, 'after-hello', v('after-hello', { dependencies: { hello: '^1.0.0' } }), logOrder('after-hello', 1));
    plugin(extra, 'gatekeeper', v('gatekeeper'), `module.exports = { register(ctx) {
      ctx.hooks.on('deploy:before', ({ app }) => { if (app.startsWith('blocked-')) throw new Error('deploys of blocked-* apps are not allowed'); });
    } };`);
    // build:detect, a CLI verb and an app-page panel.
    plugin(extra, 'extras', v('extras'), `module.exports = { register(ctx) {
      ctx.hooks.on('build:detect', ({ source }) => source.has('berth-custom.txt') ? { name: 'custom-txt',
        dockerfile: 'FROM berth/busybox:latest\\nCOPY start.sh /start.sh\\nCOPY www /www\\nRUN echo built-by-plugin > /www/custom.txt\\nEXPOSE 5000\\nCMD ["/bin/sh", "/start.sh"]\\n' } : null);
      ctx.http.route({ method: 'POST', path: '/shout', handler: ({ args }) => args.join(' ').toUpperCase() });
      ctx.http.route({ method: 'GET', path: '/count', handler: ({ args }) => ({ count: [].concat(args || []).length }) });
      ctx.cli.verb({ name: 'extras:shout', usage: 'berth extras:shout <words>...', summary: 'Shouts the words.', method: 'POST', path: '/shout' });
      ctx.cli.verb({ name: 'extras:count', usage: 'berth extras:count <words>...', summary: 'Counts the words.', method: 'GET', path: '/count' });
      ctx.dashboard.appPanel({ title: 'Extras note', render: ({ app }) => '<b>note for ' + app + '</b>' });
    } };`);
  } });
  before(() => { wt = WorkTree.fromFixture('service-client'); });
  after(() => {
    removeAppImages([app, blocked, customApp]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses bad manifests, incompatible versions, missing dependencies and failing register() at start; the others load', async () => {
    assert.match(berth.output, /plugins: PLUGIN_INVALID_MANIFEST: plugin at .*broken-json refused: plugin.json is not valid JSON/);
    assert.match(berth.output, /plugins: PLUGIN_INVALID_MANIFEST: plugin at .*no-version \(no-version\) refused: "version" must be a semver version/);
    assert.match(berth.output, /plugins: PLUGIN_INCOMPATIBLE: plugin future 1\.0\.0 refused: it supports berth >=99, and this is berth 0\.1\.0/);
    assert.match(berth.output, /plugins: PLUGIN_DEPENDENCY_MISSING: plugin needs-ghost 1\.0\.0 refused: it needs plugin ghost \^1, which is not loaded/);
    assert.match(berth.output, /plugins: PLUGIN_ENTRY_INVALID: plugin throws refused: register\(ctx\) threw: no config file/);
    const list = JSON.parse(berth.cli(['plugins:list', '--json']).stdout).plugins as Array<{ id: string; status: string; error: { code: string } | null }>;
    const status = Object.fromEntries(list.map((p) => [path.basename(p.id), `${p.status}${p.error ? ` ${p.error.code}` : ''}`]));
    assert.deepEqual(
      ['postgres', 'redis', 'mariadb', 'hello', 'early', 'after-hello', 'gatekeeper', 'future', 'needs-ghost', 'throws', 'broken-json', 'no-version'].map((id) => [id, status[id]]),
      [['postgres', 'loaded'], ['redis', 'loaded'], ['mariadb', 'loaded'], ['hello', 'loaded'], ['early', 'loaded'], ['after-hello', 'loaded'],
        ['gatekeeper', 'loaded'], ['future', 'refused PLUGIN_INCOMPATIBLE'], ['needs-ghost', 'refused PLUGIN_DEPENDENCY_MISSING'],
        ['throws', 'refused PLUGIN_ENTRY_INVALID'], ['broken-json', 'refused PLUGIN_INVALID_MANIFEST'], ['no-version', 'refused PLUGIN_INVALID_MANIFEST']]);
    const text = berth.cli(['plugins:list']).stdout;
    assert.match(text, /^future +1\.0\.0 +refused/m);
    assert.match(text, /PLUGIN_INCOMPATIBLE: plugin future 1\.0\.0 refused/);
  });

  it('runs hooks in declared order and gives containers release:env', async () => {
    const push = wt.push(berth.url, berth.token, app);
    assert.equal(push.code, 0, push.output);
    const order = fs.readFileSync(orderLog, 'utf8').trim().split('\n').filter((l) => l.endsWith(` ${app}`)).map((l) => l.split(' ')[0]);
    assert.deepEqual(order, ['early', 'hello', 'after-hello'], 'order 10 first, then order 100, then the dependent');
    assert.equal((await berth.viaRouter(`${app}.localhost`, '/env/HELLO_FROM_PLUGIN')).text, 'hello 1.0.0');
  });

  it('a hook that throws fails the deploy with the plugin\'s name; nothing is released', async () => {
    const push = wt.push(berth.url, berth.token, blocked);
    assert.notEqual(push.code, 0);
    assert.match(push.output, /plugin gatekeeper: its deploy:before hook failed: deploys of blocked-\* apps are not allowed/);
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${blocked}/releases`)).json.releases, []);
  });

  it('serves a plugin\'s API route, with its own storage', async () => {
    const a = await berth.api('GET', '/api/v1/plugins/hello/api/greet?name=bob');
    assert.deepEqual(a.json, { greeting: 'hello bob', calls: 1 });
    assert.equal((await berth.api('GET', '/api/v1/plugins/hello/api/greet?name=amy')).json.calls, 2);
    assert.equal((await berth.api('GET', '/api/v1/plugins/hello/api/nope')).status, 404);
  });

  it('builds with the builder a plugin detects (build:detect), and the app serves', async () => {
    const custom = WorkTree.fromFixture('dockerfile-app');
    try {
      custom.git(['rm', '-q', 'Dockerfile']);
      custom.write('berth-custom.txt', 'build me with the extras plugin\n');
      custom.commitAll('no Dockerfile, a berth-custom.txt');
      const push = custom.push(berth.url, berth.token, customApp);
      assert.equal(push.code, 0, push.output);
      assert.match(push.output, /Building with the custom-txt builder \(plugin extras\)/);
      assert.equal((await berth.viaRouter(`${customApp}.localhost`, '/custom.txt')).text.trim(), 'built-by-plugin');
    } finally {
      custom.remove();
    }
  });

  it('runs a plugin\'s CLI verbs through its routes', async () => {
    const listed = (await berth.api('GET', '/api/v1/plugins/verbs')).json.verbs as Array<{ plugin: string; name: string }>;
    assert.deepEqual(listed.filter((x) => x.plugin === 'extras').map((x) => x.name), ['extras:shout', 'extras:count']);
    const shout = berth.cli(['extras:shout', 'hi', 'there']);
    assert.equal(shout.code, 0, shout.stderr);
    assert.equal(shout.stdout, 'HI THERE\n');
    const count = berth.cli(['extras:count', 'a', 'b', 'c']);
    assert.equal(count.code, 0, count.stderr);
    assert.deepEqual(JSON.parse(count.stdout), { count: 3 });
    assert.match(berth.cli(['extras:shout', '--help']).stdout, /Usage: berth extras:shout <words>\.\.\.\n\nShouts the words\./);
    const unknown = berth.cli(['extras:nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /`extras:nope` is not a berth verb/);
  });

  it('shows a plugin\'s panel on the dashboard\'s app page, as escaped text', async () => {
    const session = new DashboardSession(berth.url);
    await session.login(PASSWORD);
    const page = await session.get(`/apps/${customApp}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Extras note/);
    assert.ok(page.text.includes(`&lt;b&gt;note for ${customApp}&lt;/b&gt;`), 'the text is escaped');
    assert.ok(!page.text.includes(`<b>note for ${customApp}</b>`));
  });

  it('installs the example plugin from an `npm pack` tarball, links it, and disables/enables it', async () => {
    const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: path.join(ROOT, 'examples/plugins/memcached'), encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const tgz = path.join(tmp, pack.stdout.trim().split('\n').pop()!);
    const inst = berth.cli(['plugins:install', tgz]);
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, /Installed memcached 1\.0\.0 \(loaded\)/);
    assert.ok(fs.existsSync(path.join(berth.home, 'plugins/memcached/node_modules/berth-plugin-memcached/plugin.json')));

    const cache = uniqueName('mc');
    assert.equal(berth.cli(['memcached:create', cache]).code, 0);
    const link = berth.cli(['memcached:link', cache, app]);
    assert.equal(link.code, 0, link.stderr);
    assert.equal((await berth.viaRouter(`${app}.localhost`, '/env/MEMCACHED_URL')).text, `memcached://berth-svc-memcached-${cache}:11211`);
    await write(berth, app, 'memcached', 'cached-value');
    assert.deepEqual(await rows(berth, app, 'memcached'), ['cached-value']);

    assert.equal(berth.cli(['plugins:disable', 'memcached']).code, 0);
    const off = berth.cli(['memcached:info', cache]);
    assert.equal(off.code, 1);
    assert.match(off.stderr, /The memcached plugin is disabled; `berth plugins:enable memcached` turns it on/);
    assert.equal(berth.cli(['plugins:enable', 'memcached']).code, 0);
    assert.equal(berth.cli(['memcached:info', cache]).code, 0);
  });
});
