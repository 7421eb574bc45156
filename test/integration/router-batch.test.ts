import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isBerthError } from '../../app/errors';
import { NginxRouter } from '../../app/infra/nginx';
import { mastersOf, workersOf } from '../../app/infra/nginx/processes';
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
/** Some worker of `master` not yet shutting down. */
const oldStillAccepting = (master: number) => workersOf(master).some((w) => !w.shuttingDown);
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

  it('a raw server block that clashes with another app (only the whole config shows it) fails alone; the other change of the batch goes live', async () => {
    const before = router.reloads;
    // A raw template declaring b7's upstream: `nginx -t` of rw.conf alone passes, the whole config does not.
    const raw = route('rw', ['rw.localhost'], {
      settings: { rawTemplate: true },
      template: 'upstream berth_b7 { server 127.0.0.1:9; }\nserver {\n  listen {{ HTTP_LISTEN }};\n  server_name rw.localhost;\n  location / { proxy_pass http://berth_b7; }\n}\n',
    });
    const [good, bad] = await Promise.allSettled([router.apply(route('b8', ['b8.localhost', 'b8-new.localhost'])), router.apply(raw)]);
    assert.equal(good.status, 'fulfilled', String((good as PromiseRejectedResult).reason));
    assert.equal(bad.status, 'rejected');
    const err = (bad as PromiseRejectedResult).reason as unknown;
    assert.ok(isBerthError(err), String(err));
    assert.equal(err.code, 'ROUTER_CONFIG_INVALID', err.message);
    assert.match(err.message, /^nginx rejected rw\.conf: .*duplicate upstream "berth_b7"/s);
    assert.equal(router.reloads - before, 1);
    assert.deepEqual(await get(port, 'b8-new.localhost'), { status: 200, body: 'host b8-new.localhost' });
    assert.deepEqual(await get(port, 'b7.localhost'), { status: 200, body: 'host b7.localhost' });
    assert.equal(fs.existsSync(path.join(dir, 'apps', 'rw.conf')), false);
    assert.equal((await get(port, 'rw.localhost')).status, 404);
  });

  it('a change is live when apply resolves: a fresh master serves it and the old one has stopped accepting', async () => {
    const old = masterPid(dir);
    await router.apply(route('b2', ['b2-fresh.localhost']));
    const fresh = masterPid(dir);
    assert.notEqual(fresh, old);
    assert.equal(oldStillAccepting(old), false);
    assert.deepEqual(await get(port, 'b2-fresh.localhost'), { status: 200, body: 'host b2-fresh.localhost' });
  });

  it('a config the fresh master refuses leaves the old one serving, ROUTER_CONFIG_INVALID for that app alone', async () => {
    const old = masterPid(dir);
    const before = router.reloads;
    const bad = router.apply(route('b3', ['b3.localhost', 'b3-bad.localhost'], { tls: { cert: BAD_PEM('CERTIFICATE'), key: BAD_PEM('PRIVATE KEY') } }));
    const err: unknown = await bad.then(() => null, (e: unknown) => e);
    assert.ok(isBerthError(err), String(err));
    assert.equal(err.code, 'ROUTER_CONFIG_INVALID', err.message);
    assert.match(err.message, /^nginx rejected b3\.conf: .*certificate/s);
    assert.equal(router.reloads - before, 0);
    assert.equal(masterPid(dir), old);
    assert.equal(alive(old), true);
    assert.deepEqual(await get(port, 'b3.localhost'), { status: 200, body: 'host b3.localhost' });
    assert.equal((await get(port, 'b3-bad.localhost')).status, 404);
  });

  it('while an old master finishes a long request, changes still go live (nginx cannot replace its successor then); a fresh master once it is gone', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => { release = r; });
    let arrived = 0;
    const slow = http.createServer((_req, res) => { arrived++; void held.then(() => res.end('slow done')); });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      await router.apply({ app: 'slow', domains: ['slow.localhost'], upstreams: [{ host: '127.0.0.1', port: (slow.address() as AddressInfo).port }] });
      const first = masterPid(dir);
      const answer = get(port, 'slow.localhost'); // held by first's worker
      await waitFor('the slow request at the app', () => arrived > 0 || undefined, 10_000);
      await router.apply(route('b4', ['b4-one.localhost'])); // first lingers with its request
      const second = masterPid(dir);
      assert.notEqual(second, first);
      assert.equal(alive(first), true);
      await router.apply(route('b4', ['b4-two.localhost']));
      assert.equal(masterPid(dir), second);
      assert.deepEqual(await get(port, 'b4-two.localhost'), { status: 200, body: 'host b4-two.localhost' });
      release();
      assert.deepEqual(await answer, { status: 200, body: 'slow done' });
      const third = await waitFor('a fresh master after the old one went', () => (!alive(first) && masterPid(dir) !== second && !alive(second) ? masterPid(dir) : 0), 20_000);
      assert.deepEqual(await get(port, 'b4-two.localhost'), { status: 200, body: 'host b4-two.localhost' });
      assert.ok(alive(third));
    } finally {
      release();
      slow.closeAllConnections();
      slow.close();
    }
  });

  it('fails no request while twenty changes replace the master', async () => {
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const load = (async () => {
      while (!stop) {
        try {
          const r = await get(port, 'b0-new.localhost');
          if (r.status === 200) ok++;
          else failures.push(`status ${r.status}`);
        } catch (e) {
          failures.push(String(e));
        }
      }
    })();
    for (let i = 0; i < 20; i++) await router.apply(route('b5', [`b5-${i}.localhost`]));
    stop = true;
    await load;
    assert.deepEqual(failures, []);
    assert.ok(ok > 0);
  });

  it('stop() ends the current master and any old one', async () => {
    const fresh = masterPid(dir);
    await router.stop();
    assert.equal(alive(fresh), false);
    assert.deepEqual(mastersOf(path.join(dir, 'nginx.conf')), []);
    await router.start();
    assert.deepEqual(await get(port, 'b2-fresh.localhost'), { status: 200, body: 'host b2-fresh.localhost' });
  });
});
