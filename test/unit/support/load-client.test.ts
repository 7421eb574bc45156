import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { steadyLoad, type LoadResult, type RunningLoad } from '../../support/load';
import { waitFor } from '../../support/poll';

/**
 * The load client (test/support/load.ts) is what the zero-downtime, load and fault tests trust:
 * it may send a GET again only when its reused keep-alive socket closed before any answer (the
 * browser rule), counted apart; everything else that goes wrong must count as a failure.
 * The server here is raw TCP speaking just enough HTTP/1.1, so a test decides per request, on
 * which connection and at which byte, what happens.
 */
type Action = 'answer' | 'close-before-answer' | 'cut-mid-answer';

describe('load client: failures counted, only the browser retry', function () {
  this.timeout(30_000);
  let requests = 0;
  let server: net.Server | undefined;
  beforeEach(() => { requests = 0; });
  afterEach(() => { server?.close(); server = undefined; });

  /** `decide(n, path)`: n is the request's number on its connection (1 = a fresh connection). */
  async function serve(decide: (n: number, path: string) => Action): Promise<number> {
    server = net.createServer((socket) => {
      let buffered = '';
      let n = 0;
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => {
        buffered += chunk.toString('latin1');
        let end: number;
        while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
          const head = buffered.slice(0, end);
          buffered = buffered.slice(end + 4);
          requests++;
          n++;
          const path = head.split(' ')[1] ?? '/';
          const action = decide(n, path);
          if (action === 'close-before-answer') { socket.destroy(); return; }
          if (action === 'cut-mid-answer') {
            socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
            setTimeout(() => socket.destroy(), 50);
            return;
          }
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
        }
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  }

  /** Stops the load once the server has seen `n` requests (the load sends `maxRequests` and idles). */
  async function stopAfter(n: number, load: RunningLoad): Promise<LoadResult> {
    await waitFor(`${n} requests`, () => requests >= n, 20_000);
    return load.stop();
  }

  it('a reused socket closed before any answer: sent again once on a new connection, counted apart, not failed', async () => {
    let closes = 0;
    const port = await serve((n) => {
      if (n === 2 && closes < 3) { closes++; return 'close-before-answer'; }
      return 'answer';
    });
    const r = await stopAfter(33, await steadyLoad({ port, host: 'x.localhost', rps: 20, maxRequests: 30 }));
    assert.equal(closes, 3);
    assert.equal(r.retriedOnReusedSockets, 3, JSON.stringify(r));
    assert.equal(r.failed, 0, JSON.stringify(r));
    assert.equal(r.ok, 30);
  });

  it('an answer cut short after it began is a failure, never sent again', async () => {
    let cuts = 0;
    const port = await serve((_n, path) => {
      if (path === '/cut' && cuts < 2) { cuts++; return 'cut-mid-answer'; }
      return 'answer';
    });
    const r = await stopAfter(20, await steadyLoad({ port, host: 'x.localhost', rps: 20, maxRequests: 20, slow: { every: 5, minMs: 0, maxMs: 0, path: '/cut' } }));
    assert.equal(cuts, 2);
    assert.equal(r.retriedOnReusedSockets, 0, JSON.stringify(r));
    assert.equal(r.errors, 2);
    assert.equal(r.resets, 2);
    assert.equal(r.failed, 2);
    assert.equal(r.ok, 18);
  });

  it('a fresh connection closed before any answer is a failure, and so is a retry that meets the same', async () => {
    const port = await serve(() => 'close-before-answer');
    const r = await stopAfter(10, await steadyLoad({ port, host: 'x.localhost', rps: 20, maxRequests: 10 }));
    assert.equal(r.ok, 0, JSON.stringify(r));
    assert.equal(r.retriedOnReusedSockets, 0);
    assert.equal(r.failed, 10);
  });
});
