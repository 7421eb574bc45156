import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isBerthError } from '../../app/errors';
import { NginxRouter } from '../../app/infra/nginx';
import type { AppRoute } from '../../app/ports/router';
import { freePortPair } from '../support/berth-process';
import { waitFor } from '../support/poll';
import { requireBerthStack } from '../support/requirements';

/** GET / on the router with a Host header, a fresh connection each time. */
function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const BAD_PEM = (kind: string) => `-----BEGIN ${kind}-----\nAAAA\n-----END ${kind}-----\n`;
const masterPid = (dir: string) => Number(fs.readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim());
const alive = (pid: number) => { try { return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; } };

/** Route changes arriving together: one check each, one reload for all, a refused one refused alone. */
describe('router batches (real nginx)', function () {
  this.timeout(60_000);
  let dir: string;
  let port: number;
  let router: NginxRouter;
  let echo: http.Server;
  let upstreamPort: number;
  const route = (app: string, domains: string[], extra: Partial<AppRoute> = {}): AppRoute => ({ app, domains, upstreams: [{ host: '127.0.0.1', port: upstreamPort }], ...extra });

  before(async function () {
    requireBerthStack();
    // Answers with the Host it was asked for: which app's route a request took.
    echo = http.createServer((req, res) => res.end(`host ${req.headers.host}`));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    upstreamPort = (echo.address() as AddressInfo).port;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-batch-'));
    [port] = freePortPair();
    router = new NginxRouter({ dir, nginxBin: 'nginx', httpPort: port, httpsPort: freePortPair()[0], listenAddress: '127.0.0.1', domain: 'berth.localhost', refreshIdleMs: 500 });
    await router.start();
  });

  after(async () => {
    if (router) await router.stop();
    if (echo) { echo.closeAllConnections(); echo.close(); }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies twelve changes arriving together with one reload, and serves every app', async () => {
    const before = router.reloads;
    const apps = Array.from({ length: 12 }, (_, i) => `b${i}`);
    await Promise.all(apps.map((a) => router.apply(route(a, [`${a}.localhost`]))));
    assert.equal(router.reloads - before, 1);
    for (const a of apps) assert.deepEqual(await get(port, `${a}.localhost`), { status: 200, body: `host ${a}.localhost` });
  });

  it('refuses only the change nginx refuses; the other one of the batch goes live', async () => {
    const badFile = path.join(dir, 'apps', 'b1.conf');
    const badBefore = fs.readFileSync(badFile, 'utf8');
    const before = router.reloads;
    const [good, bad] = await Promise.allSettled([
      router.apply(route('b0', ['b0-new.localhost'])),
      router.apply(route('b1', ['b1.localhost', 'b1-new.localhost'], { tls: { cert: BAD_PEM('CERTIFICATE'), key: BAD_PEM('PRIVATE KEY') } })),
    ]);
    assert.equal(good.status, 'fulfilled');
    assert.equal(bad.status, 'rejected');
    const err = (bad as PromiseRejectedResult).reason as unknown;
    assert.ok(isBerthError(err), String(err));
    assert.equal(err.code, 'ROUTER_CONFIG_INVALID', err.message);
    assert.match(err.message, /^nginx rejected b1\.conf: .*certificate/s);
    assert.equal(router.reloads - before, 1);
    // b0 serves its new name; b1 keeps its old file, its old name, and no certificate files.
    assert.deepEqual(await get(port, 'b0-new.localhost'), { status: 200, body: 'host b0-new.localhost' });
    assert.equal(fs.readFileSync(badFile, 'utf8'), badBefore);
    assert.equal(fs.existsSync(path.join(dir, 'tls', 'b1.crt')), false);
    assert.deepEqual(await get(port, 'b1.localhost'), { status: 200, body: 'host b1.localhost' });
    assert.equal((await get(port, 'b1-new.localhost')).status, 404);
  });

  it('replaces the master by a fresh one once changes go quiet, serving all along, and stop() ends both', async () => {
    const old = masterPid(dir);
    await router.apply(route('b2', ['b2-quiet.localhost']));
    const fresh = await waitFor('a new master', () => (masterPid(dir) !== old && !alive(old) ? masterPid(dir) : 0), 20_000);
    assert.ok(alive(fresh));
    assert.deepEqual(await get(port, 'b2-quiet.localhost'), { status: 200, body: 'host b2-quiet.localhost' });
    assert.deepEqual(await get(port, 'b3.localhost'), { status: 200, body: 'host b3.localhost' });
    await router.stop();
    assert.equal(alive(fresh), false);
    await router.start();
    assert.deepEqual(await get(port, 'b3.localhost'), { status: 200, body: 'host b3.localhost' });
  });
});
