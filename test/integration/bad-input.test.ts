import assert from 'node:assert/strict';
import type express from 'express';
import { createHttpApp } from '../../app/http/create-http-app';
import type { Berth } from '../../app/boot/create-berth';
import { startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { requireBerthStack } from '../support/requirements';

interface Endpoint { method: string; path: string }

/**
 * Every route of the real express app, read from its router stack, so an endpoint added later is
 * covered without touching this test. The routes are only listed, never run: the Berth they
 * close over is a stand-in that answers any property or call with another stand-in.
 */
function listEndpoints(): Endpoint[] {
  const handler: ProxyHandler<() => void> = {
    get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => 'stub' : stub()),
    apply: () => stub(),
  };
  function stub(): any { return new Proxy(() => undefined, handler); }
  const app = createHttpApp(stub() as Berth, { codec: stub(), log: () => undefined }) as express.Express & { router: { stack: any[] } };
  const out: Endpoint[] = [];
  const walk = (stack: any[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) out.push({ method: m === '_all' ? 'POST' : m.toUpperCase(), path: prefix + String(layer.route.path) });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk(app.router.stack, '');
  return out;
}

/** Bodies no endpoint may accept. Wrong types: every field some route reads, with a type none of them takes. */
const BAD_BODIES: { readonly name: string; readonly raw: string }[] = [
  { name: 'malformed JSON', raw: '{"name": "x", "set": {' },
  { name: 'a JSON array', raw: '[1, 2, 3]' },
  { name: 'a JSON string', raw: '"just a string"' },
  {
    name: 'wrong types',
    raw: JSON.stringify(Object.fromEntries([
      'name', 'set', 'unset', 'add', 'remove', 'image', 'buildpack', 'builder', 'mount', 'version', 'source', 'scale',
      'restartPolicy', 'process', 'email', 'deployBranch', 'confirm', 'restart', 'port', 'memory', 'cpus', 'key',
      'cert', 'app', 'alias', 'url', 'command', 'value', 'id', 'domains', 'ports',
    ].map((k) => [k, [{ nested: [1] }]]))),
  },
  { name: 'a huge body (> 1 MB)', raw: JSON.stringify({ name: 'x', set: { BIG: 'x'.repeat(1_200_000) } }) },
];

/**
 * Routes that read no body at all: there is no field for a wrong type to land in, so the
 * wrong-types body is not bad input for them (a JSON array or malformed JSON still is).
 */
const BODYLESS = new Set(['POST /api/v1/apps/:app/ps/stop', 'DELETE /api/v1/apps/:app/letsencrypt']);

/** A 503 with its own code (e.g. SWARM_NOT_ACTIVE) says a service is missing, not that the input broke berth. */
const unavailable = (r: { status: number; json: any }): boolean =>
  r.status === 503 && typeof r.json?.error?.code === 'string' && r.json.error.code !== 'INTERNAL';

describe('bad input: every API endpoint refuses malformed JSON, wrong types, missing fields and huge bodies with a 4xx code, never a 500, and changes nothing', function () {
  this.timeout(300_000);
  let berth: BerthProcess;
  const app = uniqueName('badin');

  before(async () => {
    requireBerthStack();
    // An empty body is a valid letsencrypt:enable: it must reach no real ACME server (port 9 refuses at once).
    berth = await startBerth({ BERTH_ACME_DIRECTORY: 'http://127.0.0.1:9/directory' });
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
    assert.equal((await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { KEEP: 'me' } })).status < 300, true);
  });
  after(async () => { await berth?.destroy(); });

  const fill = (p: string): string => p
    .replace(':app', app).replace(':plugin', 'postgres').replace(':name', 'nosuch-svc')
    .replace(':action', 'nosuch-action').replace(':id', 'nosuch-id').replace('*rest', 'x');

  /** What an operator could see change: apps, their settings, builds, releases, services, plugins. */
  async function snapshot(): Promise<string> {
    const gets = [
      '/api/v1/apps', `/api/v1/apps/${app}`, `/api/v1/apps/${app}/config`, `/api/v1/apps/${app}/builds`,
      `/api/v1/apps/${app}/releases`, `/api/v1/apps/${app}/domains`, `/api/v1/apps/${app}/ports`, `/api/v1/apps/${app}/nginx`,
      `/api/v1/apps/${app}/storage`, `/api/v1/apps/${app}/resources`, `/api/v1/apps/${app}/ps/scale`, `/api/v1/apps/${app}/certs`,
      '/api/v1/domains', '/api/v1/services/postgres', '/api/v1/plugins',
    ];
    const parts: string[] = [];
    for (const g of gets) {
      const r = await berth.api('GET', g);
      parts.push(`${g} ${r.status} ${r.text}`);
    }
    return parts.join('\n');
  }

  it('lists the routes from the express app (the list covers the whole API)', () => {
    const endpoints = listEndpoints();
    const api = endpoints.filter((e) => e.path.startsWith('/api/v1/'));
    assert.ok(api.length >= 40, `only ${api.length} API routes found`);
    for (const b of BODYLESS) assert.ok(api.some((e) => `${e.method} ${e.path}` === b), `BODYLESS names a route that is gone: ${b}`);
    for (const must of ['POST /api/v1/apps', 'PATCH /api/v1/apps/:app/config', 'POST /api/v1/apps/:app/deploys']) {
      assert.ok(api.some((e) => `${e.method} ${e.path}` === must), `${must} is missing from the list`);
    }
  });

  it('every API endpoint that takes a body answers each bad body with a 4xx and an error code, and nothing changes', async () => {
    const endpoints = listEndpoints().filter((e) => e.path.startsWith('/api/v1/') && e.method !== 'GET');
    const before = await snapshot();
    const problems: string[] = [];
    for (const e of endpoints) {
      for (const bad of BAD_BODIES) {
        if (bad.name === 'wrong types' && BODYLESS.has(`${e.method} ${e.path}`)) continue;
        const r = await berth.api(e.method, fill(e.path), bad.raw);
        const code = r.json?.error?.code;
        if (r.status < 400 || !(r.status < 500 || unavailable(r)) || typeof code !== 'string') {
          problems.push(`${e.method} ${e.path} with ${bad.name}: ${r.status} ${r.text.slice(0, 160)}`);
        }
      }
    }
    assert.deepEqual(problems, [], `endpoints that took bad input:\n${problems.join('\n')}`);
    assert.equal(await snapshot(), before, 'bad input changed state');
  });

  it('missing fields: an empty object to endpoints that need fields is refused with a code, never a 500', async () => {
    const endpoints = listEndpoints().filter((e) => e.path.startsWith('/api/v1/') && e.method !== 'GET');
    const problems: string[] = [];
    for (const e of endpoints) {
      const t0 = Date.now();
      const r = await berth.api(e.method, fill(e.path), '{}');
      if (process.env.BERTH_TEST_VERBOSE) console.log(`${e.method} ${e.path} {} -> ${r.status} in ${Date.now() - t0} ms`);
      if (r.status >= 500 && !unavailable(r)) problems.push(`${e.method} ${e.path}: ${r.status} ${r.text.slice(0, 160)}`);
      else if (r.status >= 400 && typeof r.json?.error?.code !== 'string') problems.push(`${e.method} ${e.path}: ${r.status} without an error code`);
    }
    assert.deepEqual(problems, []);
    // The app and its config survive whatever the empty bodies were allowed to do.
    const config = await berth.api('GET', `/api/v1/apps/${app}/config`);
    assert.equal(config.status, 200);
    assert.match(config.text, /KEEP/);
  });

  it('bad path parameters and query strings on every route (GET included) never give a 500', async () => {
    const problems: string[] = [];
    const weird = ['..%2F..%2Fetc', '%00', 'A'.repeat(300), '%E0%A4%A', 'x;rm -rf'];
    for (const e of listEndpoints()) {
      if (e.path.endsWith('/log') || e.path.endsWith('/stream') || e.path.endsWith('/logs')) continue; // followers stay open
      for (const w of weird) {
        const url = e.path.replace(/:[a-z]+|\*rest/g, w) + '?follow=%&tail=-5&limit=abc';
        const r = await berth.api(e.method, url, e.method === 'GET' ? undefined : '{}');
        if (r.status >= 500 && !unavailable(r)) problems.push(`${e.method} ${url.slice(0, 80)}: ${r.status} ${r.text.slice(0, 160)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('no token, a wrong token and a garbage Authorization header get 401 with a code', async () => {
    for (const token of [null, 'wrong', 'x'.repeat(5000)]) {
      const r = await berth.api('POST', '/api/v1/apps', { name: uniqueName('noauth') }, token);
      assert.equal(r.status, 401, r.text);
      assert.equal(typeof r.json?.error?.code, 'string');
    }
    assert.equal((await berth.api('GET', '/api/v1/apps')).json.apps.length, 1);
  });
});
