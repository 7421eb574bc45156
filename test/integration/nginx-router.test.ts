import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isBerthError } from '../../app/errors';
import { createNginxRouter } from '../../app/infra/nginx';
import type { Router } from '../../app/ports/router';
import { requireBerthStack } from '../support/requirements';

/** nginx from PATH, as berth's own default (BERTH_NGINX_BIN) uses it; deploy/install.sh installs it. */
const NGINX = 'nginx';

interface Seen {
  headers: http.IncomingHttpHeaders;
}

/** A tiny upstream on loopback answering `body` and remembering the last request's headers. */
async function upstream(body: string): Promise<{ server: http.Server; port: number; seen: Seen }> {
  const seen: Seen = { headers: {} };
  const server = http.createServer((req, res) => {
    seen.headers = req.headers;
    res.setHeader('content-type', 'text/plain');
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

/** GET / on the router with a Host header; a fresh connection each time (no agent keepalive). */
function get(port: number, host: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<Error> {
  try {
    await p;
  } catch (e) {
    assert.ok(isBerthError(e), `expected a BerthError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('nginx router (real nginx)', function () {
  this.timeout(60_000);

  let dir: string;
  let port: number;
  let router: Router;
  let one: Awaited<ReturnType<typeof upstream>>;
  let two: Awaited<ReturnType<typeof upstream>>;

  before(async function () {
    requireBerthStack();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-nginx-'));
    // Below Linux's ephemeral range (32768+), where an outgoing connection may hold port + 3 (raw's own port).
    port = 20_000 + Math.floor(Math.random() * 12_000);
    router = createNginxRouter({
      dir,
      nginxBin: NGINX,
      httpPort: port,
      httpsPort: port + 1,
      listenAddress: '127.0.0.1',
      domain: 'berth.localhost',
    });
    await router.start();
    one = await upstream('one');
    two = await upstream('two');
  });

  after(async () => {
    if (router) await router.stop();
    if (one) await close(one.server);
    if (two) await close(two.server);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('routes each host to its app and passes the proxy headers', async () => {
    await Promise.all([
      router.apply({ app: 'one', domains: ['one.localhost'], upstreams: [{ host: '127.0.0.1', port: one.port }] }),
      router.apply({ app: 'two', domains: ['two.localhost'], upstreams: [{ host: '127.0.0.1', port: two.port }] }),
    ]);
    assert.deepEqual(await router.listApps(), ['one', 'two']);

    const r1 = await get(port, 'one.localhost');
    assert.equal(r1.status, 200);
    assert.equal(r1.body, 'one');
    assert.equal(one.seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.match(String(one.seen.headers['x-request-id']), /^[0-9a-f]{32}$/);
    assert.equal(one.seen.headers['x-forwarded-proto'], 'http');
    assert.equal(one.seen.headers['x-forwarded-port'], String(port));
    assert.equal(one.seen.headers.host, 'one.localhost');

    const r2 = await get(port, 'two.localhost');
    assert.equal(r2.body, 'two');
  });

  it('answers unknown hosts with the 404 page', async () => {
    const r = await get(port, 'nobody.localhost');
    assert.equal(r.status, 404);
    assert.match(r.type, /text\/html/);
    assert.match(r.body, /No app is configured for this host/);
  });

  it('answers 502 naming the app when it has no upstreams', async () => {
    await router.apply({ app: 'idle', domains: ['idle.localhost'], upstreams: [] });
    const r = await get(port, 'idle.localhost');
    assert.equal(r.status, 502);
    assert.match(r.type, /text\/html/);
    assert.match(r.body, /idle has no running web process/);
    assert.match(r.body, /berth ps:report idle/);
  });

  it('serves an app without domains at <app>.<domain>', async () => {
    await router.apply({ app: 'plain', domains: [], upstreams: [{ host: '127.0.0.1', port: one.port }] });
    assert.equal((await get(port, 'plain.berth.localhost')).body, 'one');
  });

  it('answers 502 naming the app when its upstream is down', async () => {
    const gone = await upstream('gone');
    await close(gone.server);
    await router.apply({ app: 'down', domains: ['down.localhost'], upstreams: [{ host: '127.0.0.1', port: gone.port }] });
    const r = await get(port, 'down.localhost');
    assert.equal(r.status, 502);
    assert.match(r.body, /down has no running web process/);
  });

  it('rejects injection attempts before writing anything', async () => {
    const file = path.join(dir, 'apps', 'one.conf');
    const before = fs.readFileSync(file, 'utf8');
    const bad = [
      { app: 'one', domains: ['evil.com; return 200'], upstreams: [] },
      { app: 'one', domains: ['evil.com}'], upstreams: [] },
      { app: 'one', domains: ['one.localhost'], upstreams: [{ host: '127.0.0.1;', port: one.port }] },
      { app: 'one', domains: ['one.localhost'], upstreams: [{ host: '127.0.0.1', port: 0 }] },
      { app: 'one', domains: ['one.localhost'], upstreams: [{ host: '127.0.0.1', port: 1.5 }] },
      { app: 'One;', domains: ['one.localhost'], upstreams: [] },
      { app: '../one', domains: ['one.localhost'], upstreams: [] },
    ];
    for (const route of bad) await rejectsWith(router.apply(route), 'INVALID_INPUT');
    await rejectsWith(router.remove('../nginx'), 'INVALID_INPUT');
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    assert.equal((await get(port, 'one.localhost')).body, 'one');
  });

  it('rolls back a config nginx rejects and keeps serving the previous one', async () => {
    // Another file nginx includes is broken (e.g. edited by hand): `nginx -t` fails for everything.
    const broken = path.join(dir, 'apps', 'zz-broken.conf');
    fs.writeFileSync(broken, 'server { no_such_directive on; }\n');
    const file = path.join(dir, 'apps', 'one.conf');
    const before = fs.readFileSync(file, 'utf8');
    try {
      const err = await rejectsWith(
        router.apply({ app: 'one', domains: ['one.localhost', 'one-b.localhost'], upstreams: [{ host: '127.0.0.1', port: one.port }] }),
        'ROUTER_CONFIG_INVALID',
      );
      assert.match(err.message, /unknown directive "no_such_directive"/);
      assert.equal(fs.readFileSync(file, 'utf8'), before);
      // A new app's file is deleted again, not left half-applied.
      await rejectsWith(router.apply({ app: 'fresh', domains: ['fresh.localhost'], upstreams: [] }), 'ROUTER_CONFIG_INVALID');
      assert.equal(fs.existsSync(path.join(dir, 'apps', 'fresh.conf')), false);
    } finally {
      fs.rmSync(broken);
    }
    assert.equal((await get(port, 'one.localhost')).body, 'one');
    assert.equal((await get(port, 'one-b.localhost')).status, 404);
  });

  it('leaves out a mapped host port another process took, so every other change still applies', async () => {
    // Port checks passed when it was mapped; then something else bound it before nginx listened on it.
    const taken = port + 2;
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen({ port: taken, host: '127.0.0.1', exclusive: true }, r));
    const three = { app: 'three', domains: ['three.localhost'], upstreams: [{ host: '127.0.0.1', port: one.port }],
      ports: [{ scheme: 'http' as const, hostPort: 80, containerPort: one.port }, { scheme: 'http' as const, hostPort: taken, containerPort: one.port }] };
    try {
      await router.apply(three);
      assert.equal((await get(port, 'three.localhost')).body, 'one');
      assert.match(String(await router.configOf('three')), new RegExp(`# berth: host port ${taken} is NOT listened on: another process on this host holds it`));
      await router.apply({ app: 'two', domains: ['two.localhost', 'two-b.localhost'], upstreams: [{ host: '127.0.0.1', port: two.port }] });
      assert.equal((await get(port, 'two-b.localhost')).body, 'two');
    } finally {
      await new Promise((r) => holder.close(r));
    }
    // Once the port is free, applying the route again listens on it.
    await router.apply(three);
    assert.equal((await get(taken, 'three.localhost')).body, 'one');
    assert.doesNotMatch(String(await router.configOf('three')), /NOT listened on/);
    await router.remove('three');
  });

  it('an app\'s raw server block listens only on the router\'s ports and the app\'s own (INVALID_NGINX_TEMPLATE otherwise; nothing written)', async () => {
    const own = port + 3;
    const other = port + 4;
    const raw = (listen: string) => ({
      app: 'raw', domains: ['raw.localhost'], upstreams: [{ host: '127.0.0.1', port: one.port }],
      ports: [{ scheme: 'http' as const, hostPort: 80, containerPort: one.port }, { scheme: 'http' as const, hostPort: own, containerPort: one.port }],
      settings: { rawTemplate: true },
      template: `server {\n  listen {{ HTTP_LISTEN }};\n  listen ${listen};\n  server_name raw.localhost;\n  location / { proxy_pass http://{{ UPSTREAM }}; }\n}\n`,
    });
    await router.apply(raw(`127.0.0.1:${own}`));
    assert.equal((await get(own, 'raw.localhost')).body, 'one');
    const before = await router.configOf('raw');
    for (const listen of [`127.0.0.1:${other}`, `${other}`, 'unix:/tmp/berth-raw.sock', `127.0.0.1:${port} default_server`]) {
      const err = await rejectsWith(router.apply(raw(listen)), 'INVALID_NGINX_TEMPLATE');
      const why = listen.endsWith('default_server') ? "the router's HTTP port is shared by every app; listen on it without parameters."
        : `not an address berth gives raw. A raw server block listens on {{ HTTP_LISTEN }} (127.0.0.1:${port}), {{ HTTPS_LISTEN }} ssl (127.0.0.1:${port + 1} ssl) or raw's own host ports (127.0.0.1:${own}).`;
      assert.equal(err.message, `nginx.conf.njk line 3: listen ${listen}: ${why}`);
      assert.equal(await router.configOf('raw'), before);
    }
    assert.equal(fs.existsSync('/tmp/berth-raw.sock'), false);
    await assert.rejects(get(other, 'raw.localhost'), /ECONNREFUSED/);
    await router.remove('raw');
  });

  it('a mapped host port taken while nginx is stopped is left out by apply and by start; every app is served', async () => {
    const [taken, also] = [port + 5, port + 6];
    const note = (p: number) => new RegExp(`# berth: host port ${p} is NOT listened on: another process on this host holds it`);
    const mapped = (app: string, hostPort: number) => ({ app, domains: [`${app}.localhost`], upstreams: [{ host: '127.0.0.1', port: one.port }],
      ports: [{ scheme: 'http' as const, hostPort: 80, containerPort: one.port }, { scheme: 'http' as const, hostPort, containerPort: one.port }] });
    await router.apply(mapped('four', taken));
    await router.apply(mapped('five', also));
    assert.equal((await get(also, 'five.localhost')).body, 'one');
    await router.stop();
    const holders = [net.createServer(), net.createServer()];
    await Promise.all([taken, also].map((p, i) => new Promise<void>((r) => holders[i].listen({ port: p, host: '127.0.0.1', exclusive: true }, r))));
    try {
      // The reconciler applies a route while nginx is stopped: the port is probed, not taken as nginx's.
      await router.apply(mapped('four', taken));
      assert.match(String(await router.configOf('four')), note(taken));
      // five's config on disk still listens on `also`: start() leaves it out instead of failing to bind.
      await router.start();
      assert.match(String(await router.configOf('five')), note(also));
      assert.doesNotMatch(String(await router.configOf('five')), new RegExp(`listen 127.0.0.1:${also}`));
      assert.equal((await get(port, 'four.localhost')).body, 'one');
      assert.equal((await get(port, 'five.localhost')).body, 'one');
    } finally {
      await Promise.all(holders.map((h) => new Promise((r) => h.close(r))));
    }
    // Once the ports are free, applying the routes again listens on them.
    await router.apply(mapped('four', taken));
    await router.apply(mapped('five', also));
    assert.equal((await get(taken, 'four.localhost')).body, 'one');
    assert.equal((await get(also, 'five.localhost')).body, 'one');
    await router.remove('four');
    await router.remove('five');
  });

  it('stops routing an app once removed', async () => {
    await router.remove('two');
    assert.equal((await get(port, 'two.localhost')).status, 404);
    assert.ok(!(await router.listApps()).includes('two'));
    await router.remove('two'); // idempotent
  });

  it('adopts the running master when started again: reloaded by a fresh master on its listeners, no second launch', async () => {
    const pid = fs.readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim();
    const log = path.join(dir, 'logs', 'error.log');
    const from = fs.statSync(log).size;
    await router.start();
    const fresh = fs.readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim();
    assert.notEqual(fresh, pid);
    // A master nginx started from the old one (SIGUSR2) takes over its listening sockets.
    assert.match(fs.readFileSync(log, 'utf8').slice(from), new RegExp(`\\[notice\\] ${fresh}#${fresh}: using inherited sockets`));
    assert.equal((await get(port, 'one.localhost')).body, 'one');
  });

  it('stops the master, and start() replaces a stale pid file', async () => {
    const pidFile = path.join(dir, 'nginx.pid');
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    await router.stop();
    assert.equal(fs.existsSync(pidFile), false);
    await assert.rejects(get(port, 'one.localhost'));

    fs.writeFileSync(pidFile, `${pid}\n`); // a pid file left behind by a crash
    await router.start();
    assert.notEqual(Number(fs.readFileSync(pidFile, 'utf8')), pid);
    assert.equal((await get(port, 'one.localhost')).body, 'one');
  });
});
