import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createHttpApp } from '../../../app/http/create-http-app';
import type { HttpServices } from '../../../app/http/http-services';
import { targetOf } from '../../../app/http/access-middleware';
import { isRouteNeed, targetOfNeed, type RouteNeed } from '../../../app/http/route-access';
import { pathOf, recordDecision } from '../../../app/http/route-guard';
import { need, strictRouter } from '../../../app/http/strict-router';
import { errorMiddleware } from '../../../app/http/error-middleware';
import { routeLayers, standIn } from '../../support/api-routes';

interface Route { method: string; path: string; local: string; template: string; first: any }

/** Every route with each of its methods (express's `_all` as ALL). */
const routesOf = (stack: any[]): Route[] => routeLayers(stack)
  .flatMap((r) => r.methods.map((m) => ({ method: m === '_all' ? 'ALL' : m.toUpperCase(), path: r.path, local: r.local, template: r.local, first: r.first })));

/** Parameters for a template: every `:name` is `probe-x`, every `*name` one segment `probe`. */
function paramsOf(template: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const m of template.matchAll(/([:*])(\w+)/g)) params[m[2]] = m[1] === '*' ? ['probe'] : 'probe-x';
  return params;
}

/** Routes served without the authorization layer, on purpose (each declares why). */
const OUTSIDE = ['GET /favicon.ico', 'GET /login', 'GET /metrics', 'POST /hooks/:provider/:app', 'POST /internal/git-hook', 'POST /login', 'POST /login/token'];

describe('every route declares what it needs (route-access.ts)', () => {
  let routes: Route[] = [];
  before(() => {
    // Throws if a route was registered without a declaration (strictRouter refuses it).
    const app = createHttpApp(standIn() as HttpServices, { codec: standIn(), log: () => undefined });
    routes = routesOf((app as any).router.stack);
  });

  it('finds the API and dashboard routes', () => {
    assert.ok(routes.length > 100, `only ${routes.length} routes found`);
    const keys = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const k of ['GET /api/v1/apps/:app/config', 'DELETE /api/v1/users/:name', 'POST /apps/:app/services/link', 'GET /healthz']) assert.ok(keys.has(k), k);
  });

  it('every route but /healthz starts with the guard holding its declaration', () => {
    const missing = routes.filter((r) => r.path !== '/healthz')
      .filter((r) => r.first?.name !== 'berthRouteGuard' || !isRouteNeed(r.first?.need))
      .map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(missing, [], 'routes without a declared need');
  });

  it('only the login page, the favicon, /metrics and the git hook are declared outside the authorization layer', () => {
    const outside = routes.filter((r) => (r.first?.need as RouteNeed | undefined)?.on === 'outside').map((r) => `${r.method} ${r.path}`).sort();
    assert.deepEqual(outside, OUTSIDE);
  });

  it('the authorization layer reads every route\'s path as its declaration says (no route unreachable, none looser)', () => {
    const differ: string[] = [];
    for (const r of routes) {
      const declared = r.first?.need as RouteNeed | undefined;
      if (!declared || declared.on === 'outside') continue;
      const local = r.path.replace(/^\/api\/v1/, '');
      const params = paramsOf(r.template);
      for (const method of r.method === 'ALL' ? ['GET', 'POST', 'DELETE'] : [r.method]) {
        for (const query of [{}, { app: 'probe-x' }]) {
          const req = { method, params, query } as any;
          const path = pathOf(local, params as any);
          const wanted = targetOfNeed(declared, req, path);
          const layer = targetOf({ method, path, query } as any);
          if (JSON.stringify(wanted) !== JSON.stringify(layer)) differ.push(`${method} ${r.path} ${JSON.stringify(query)}: declared ${JSON.stringify(wanted)}, layer ${JSON.stringify(layer)}`);
        }
      }
    }
    assert.deepEqual(differ, []);
  });

  it('a route registered without a declaration is refused when it is registered', () => {
    const r = strictRouter();
    assert.throws(() => (r.get as any)('/apps/:app/secret', (_req: unknown, res: express.Response) => { res.end(); }),
      { message: 'GET /apps/:app/secret: declare what the route needs (need.* from app/http/route-access.ts) as its second argument.' });
    assert.throws(() => (r.post as any)('/x', need.outside(' '), () => undefined), /POST \/x: declare/);
  });

  describe('the guard answers by the declaration, not by the path', () => {
    let server: http.Server;
    let base = '';
    before(async () => {
      const a = express();
      // What the authorization layer would have recorded: a read of app "shop".
      a.use((_req, res, next) => { recordDecision(res, { action: 'read', app: 'shop' }); next(); });
      const r = strictRouter();
      r.get('/apps/:app/config', need.appRead, (_req, res) => { res.send('read'); });
      r.get('/apps/:app/secrets', need.appWrite, (_req, res) => { res.send('written'); });
      r.get('/apps/:app/users', need.admin, (_req, res) => { res.send('admin'); });
      a.use(r);
      a.use(errorMiddleware(() => undefined));
      server = http.createServer(a);
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => { server.close(); });

    const get = async (p: string) => { const res = await fetch(base + p); return [res.status, await res.text()]; };

    it('serves the route whose declaration is what was authorized', async () => {
      assert.deepEqual(await get('/apps/shop/config'), [200, 'read']);
    });

    it('refuses a route that declares more than was authorized (write, admin) or another app', async () => {
      for (const p of ['/apps/shop/secrets', '/apps/shop/users', '/apps/other/config']) {
        const [status, text] = await get(p);
        assert.equal(status, 403, p);
        assert.equal(JSON.parse(String(text)).error.code, 'FORBIDDEN', p);
      }
    });
  });
});
