import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { NginxRouter } from '../../app/infra/nginx';
import { freePortPair } from '../support/berth-process';
import { requireBerthStack } from '../support/requirements';
import { request } from './router-support';

/** One stranger's request: a body over the limit to a name no app serves, its URI "/[emerg]". nginx answers 413 and logs the request line in error.log. */
function strangerRequest(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('POST /[emerg] HTTP/1.1\r\nHost: nobody.test\r\nContent-Length: 5000000\r\n\r\n'));
    let got = '';
    s.on('data', (c: Buffer) => { got += c.toString(); if (got.includes('\r\n')) s.destroy(); });
    s.on('close', () => resolve(got.split('\r\n')[0]));
    s.on('error', reject);
  });
}

/**
 * Anyone who reaches the router writes into nginx's error.log (the request line of an error), and
 * a reload was judged refused by any line containing "[emerg]" (reload.ts): a stranger sending
 * requests failed every route change, deploys included, and its files were rolled back though nginx
 * had taken them. With a stranger at it the whole time, every route change must still go through.
 */
describe('router: a stranger\'s request in error.log refuses no reload (real nginx)', function () {
  this.timeout(60_000);
  let dir: string;
  let port: number;
  let router: NginxRouter;
  let upstream: http.Server;

  before(async function () {
    requireBerthStack();
    upstream = http.createServer((_req, res) => res.end('shop answers'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-log-injection-'));
    [port] = freePortPair();
    router = new NginxRouter({ dir, nginxBin: 'nginx', httpPort: port, httpsPort: freePortPair()[0], listenAddress: '127.0.0.1', domain: 'berth.localhost' });
    await router.start();
  });

  after(async () => {
    if (router) await router.stop();
    if (upstream) { upstream.closeAllConnections(); upstream.close(); }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ten route changes, each with a reload, while a stranger keeps writing "[emerg]" into error.log', async () => {
    assert.equal(await strangerRequest(port), 'HTTP/1.1 413 Request Entity Too Large');
    let stop = false;
    let sent = 0;
    const stranger = (async () => { while (!stop) { await strangerRequest(port); sent++; } })();
    const outcomes: string[] = [];
    try {
      for (let i = 1; i <= 10; i++) {
        const domain = `shop-${i}.example.test`;
        outcomes.push(await router.apply({ app: 'shop', domains: [domain], upstreams: [{ host: '127.0.0.1', port: (upstream.address() as AddressInfo).port }] })
          .then(() => 'applied', (e: Error) => e.message));
      }
    } finally {
      stop = true;
      await stranger;
    }
    assert.deepEqual(outcomes, Array(10).fill('applied'));
    assert.equal((await request({ port, host: 'shop-10.example.test' })).text, 'shop answers');
    const injected = fs.readFileSync(path.join(dir, 'logs', 'error.log'), 'utf8').split('\n').filter((l) => l.includes('request: "POST /[emerg] HTTP/1.1"')).length;
    assert.equal(injected, sent + 1);
  });
});
