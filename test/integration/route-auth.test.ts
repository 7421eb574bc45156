import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, pathsFor } from '../../app/config';
import { createBerth, type Berth } from '../../app/boot/create-berth';
import { createHttpApp } from '../../app/http/create-http-app';
import { httpServicesOf } from '../../app/boot/http-services';
import { HOOK_SECRET_HEADER, hookResponseWriter, readHookRequest } from '../../app/infra/git';
import { targetOf } from '../../app/http/access-middleware';
import { requireBerthStack } from '../support/requirements';
import { routeLayers } from '../support/api-routes';

/** Routes that answer without a login, on purpose. Anything else must refuse. */
// /favicon.ico only redirects to a static asset under /assets.
const PUBLIC = new Set(['GET /healthz', 'GET /login', 'POST /login', 'POST /login/token', 'GET /favicon.ico']);

interface Route { method: string; path: string; guard: string }

/** Every route with each of its methods but express's `_all`, and the name of its first handler (the guard). */
const routesOf = (stack: any[]): Route[] => routeLayers(stack)
  .flatMap((r) => r.methods.filter((m) => m !== '_all').map((m) => ({ method: m.toUpperCase(), path: r.path, guard: r.first?.name ?? '' })));

const concrete = (p: string): string => p.replace(/:[a-zA-Z]+/g, 'probe-x').replace(/\*\w*/g, 'probe');

function request(port: number, method: string, urlPath: string, token?: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end(method === 'POST' || method === 'PATCH' ? '{}' : undefined);
  });
}

describe('route authentication', function () {
  let berth: Berth;
  let server: http.Server;
  let port = 0;
  let home = '';
  let routes: Route[] = [];

  before(async function () {
    requireBerthStack();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-routeauth-'));
    const id = crypto.randomBytes(3).toString('hex');
    const config = loadConfig({ BERTH_HOME: home, BERTH_PORT: '1', BERTH_REDIS_PREFIX: `berth-test-${id}`, BERTH_NETWORK: `berth-test-${id}` });
    berth = createBerth({ config, paths: pathsFor(config), buildpacks: [] });
    const codec = { read: (b: unknown) => readHookRequest(b, { snapshotsDir: berth.paths.snapshots }), writer: hookResponseWriter, secretHeader: HOOK_SECRET_HEADER };
    const app = createHttpApp(httpServicesOf(berth), { codec, log: () => undefined });
    routes = routesOf((app as any).router.stack);
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });

  after(async () => {
    server?.close();
    await berth?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('finds the API, dashboard and git routes', () => {
    const paths = new Set(routes.map((r) => r.path));
    assert.ok(routes.length > 60, `only ${routes.length} routes found`);
    for (const p of ['/api/v1/apps', '/api/v1/apps/:app/config', '/', '/apps/:app', '/healthz']) assert.ok(paths.has(p), `${p} not found among ${[...paths].join(', ')}`);
  });

  it('every route refuses a request without credentials, except the allow-list', async () => {
    const open: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if (PUBLIC.has(key)) continue;
      const res = await request(port, r.method, concrete(r.path));
      // /metrics: Prometheus' scrape, a token or 401 like the API. /hooks/…: a delivery without its forge's signature is WEBHOOK_UNVERIFIED (401).
      const ok = r.path.startsWith('/api/') || r.path.startsWith('/git') || r.path === '/metrics' || r.path.startsWith('/hooks/') ? res.status === 401
        : r.path.startsWith('/internal/') ? res.status === 403
          : (res.status === 302 && /^\/login/.test(res.location ?? '')) || res.status === 403;
      if (!ok) open.push(`${key} → ${res.status} ${res.location ?? ''}`);
    }
    assert.deepEqual(open, [], 'routes that answered without authentication');
  });

  it('every router matches case-sensitively and strictly, and the authorization layer names the app of every /apps/:app route', () => {
    const loose: string[] = [];
    const visit = (router: any, where: string) => {
      if (!router.caseSensitive || !router.strict) loose.push(where);
      for (const layer of router.stack) if (layer.handle?.stack) visit(layer.handle, `${where} > ${layer.handle.name || 'router'}`);
    };
    const app = (server as any)._events.request;
    assert.equal(app.get('case sensitive routing'), true);
    assert.equal(app.get('strict routing'), true);
    visit(app.router, 'app');
    assert.deepEqual(loose, [], 'routers that match any case or ignore a trailing slash');
    const wrong: string[] = [];
    for (const r of routes) {
      const local = r.path.replace(/^\/api\/v1/, '');
      if (!/^\/apps\/:app(\/|$)/.test(local)) continue;
      const t = targetOf({ method: r.method, path: concrete(local), query: {} });
      if (t.app !== 'probe-x') wrong.push(`${r.method} ${r.path} → ${JSON.stringify(t)}`);
    }
    assert.deepEqual(wrong, [], 'routes whose app the authorization layer does not see');
  });

  it('every route starts with the route guard, which checks the authorization decision against the route that matched', () => {
    assert.deepEqual(routes.filter((r) => r.guard !== 'berthRouteGuard').map((r) => `${r.method} ${r.path}`), ['GET /healthz']);
  });

  it('no spelling of a route a viewer is refused (case, doubled slashes, encoded characters, a trailing dot or slash) reaches its handler', async () => {
    const { token } = await berth.access.addUser({ name: 'route-viewer', role: 'viewer', by: null });
    const spellings = (p: string): string[] => {
      const [, prefix, first, rest] = /^(\/api\/v1)?\/([^/]+)(.*)$/.exec(p)!;
      const pre = prefix ?? '';
      return [
        `${pre}/${first[0].toUpperCase()}${first.slice(1)}${rest}`, `${pre.toUpperCase()}/${first}${rest}`, `${pre}//${first}${rest}`,
        `${pre}/${first}/${rest.replace(/^\//, '/')}`.replace(`/${first}/`, `/${first}//`), `${pre}/%${first.charCodeAt(0).toString(16)}${first.slice(1)}${rest}`,
        `${p}.`, `${p}/`, `${pre}/${first}${rest.replace(/\/([a-z])/, (_m, c: string) => `/%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
      ].filter((x) => x !== p);
    };
    let tried = 0;
    const through: string[] = [];
    for (const r of routes.filter((x) => x.path.startsWith('/api/v1/'))) {
      const p = concrete(r.path);
      if ((await request(port, r.method, p, token)).status !== 403) continue;
      for (const spelled of spellings(p)) {
        tried++;
        const res = await request(port, r.method, spelled, token);
        // Refused, not routed, or (outside /api/v1) the dashboard's redirect to its login page.
        const refused = res.status === 403 || res.status === 404 || (res.status === 302 && /^\/login/.test(res.location ?? ''));
        if (!refused) through.push(`${r.method} ${spelled} → ${res.status} ${res.location ?? ''}`);
      }
    }
    assert.ok(tried > 300, `only ${tried} spellings tried`);
    assert.deepEqual(through, [], 'spellings that reached a handler the canonical path is refused');
  });

  it('the router agents\' report, forget, deploy and remove (issue 24) are admin-only: a developer and a viewer are refused, an admin reads', async () => {
    const dev = await berth.access.addUser({ name: 'route-routers-dev', role: 'developer', by: null });
    const viewer = await berth.access.addUser({ name: 'route-routers-viewer', role: 'viewer', by: null });
    const admin = await berth.access.addUser({ name: 'route-routers-admin', role: 'admin', by: null });
    for (const token of [dev.token, viewer.token]) {
      assert.equal((await request(port, 'GET', '/api/v1/routers', token)).status, 403);
      assert.equal((await request(port, 'DELETE', '/api/v1/routers/mgr2', token)).status, 403);
      assert.equal((await request(port, 'POST', '/api/v1/routers/deploy', token)).status, 403);
      assert.equal((await request(port, 'POST', '/api/v1/routers/remove', token)).status, 403);
    }
    // An admin gets past the role check to the route's own refusal: this berth publishes no route feed.
    assert.equal((await request(port, 'POST', '/api/v1/routers/deploy', admin.token)).status, 409); // ROUTER_FEED_OFF
    assert.equal((await request(port, 'GET', '/api/v1/routers', admin.token)).status, 200);
    assert.equal((await request(port, 'DELETE', '/api/v1/routers/mgr2', admin.token)).status, 404); // ROUTER_NOT_FOUND: none reported
  });

  it('git smart HTTP refuses without a token', async () => {
    for (const p of ['/git/probe-x.git/info/refs?service=git-upload-pack', '/git/probe-x.git/git-receive-pack']) {
      assert.equal((await request(port, p.includes('receive') ? 'POST' : 'GET', p)).status, 401, p);
    }
  });
});
