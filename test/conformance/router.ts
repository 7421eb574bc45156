import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from '../../app/ports/router';

export interface OpenedRouter {
  readonly router: Router;
  /** `<app>.<domain>` serves an app without domains of its own. */
  readonly domain: string;
  /** A GET for `host` through the router, as a browser would send it. */
  get(host: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** A loopback upstream answering `body`. */
async function upstream(body: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => { res.setHeader('content-type', 'text/plain'); res.end(body); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => { server.closeAllConnections(); return new Promise<void>((r) => server.close(() => r())); },
  };
}

/**
 * What every Router must do (app/ports/router.ts), run against berth's nginx router
 * (test/integration/router-conformance.test.ts) and the unit tests' InMemoryRouter
 * (test/unit/conformance/router.test.ts): which host reaches which app, and what the router lists.
 */
export function routerConformance(name: string, open: () => Promise<OpenedRouter>): void {
  describe(`router conformance: ${name}`, function () {
    this.timeout(60_000);
    let opened: OpenedRouter;
    let one: Awaited<ReturnType<typeof upstream>>;
    let two: Awaited<ReturnType<typeof upstream>>;
    before(async () => {
      opened = await open();
      one = await upstream('one');
      two = await upstream('two');
    });
    after(async () => {
      await opened?.close();
      await one?.close();
      await two?.close();
    });

    it('sends each app\'s domains to its own upstream and lists the apps it routes', async () => {
      await opened.router.apply({ app: 'one', domains: ['one.localhost'], upstreams: [{ host: '127.0.0.1', port: one.port }] });
      await opened.router.apply({ app: 'two', domains: ['two.localhost', 'www.two.localhost'], upstreams: [{ host: '127.0.0.1', port: two.port }] });
      assert.deepEqual(await Promise.all(['one.localhost', 'two.localhost', 'www.two.localhost'].map((h) => opened.get(h))),
        [{ status: 200, body: 'one' }, { status: 200, body: 'two' }, { status: 200, body: 'two' }]);
      assert.deepEqual((await opened.router.listApps()).filter((a) => a === 'one' || a === 'two'), ['one', 'two']);
    });

    it('answers 404 for a host no app has', async () => {
      assert.equal((await opened.get('nobody.localhost')).status, 404);
    });

    it('serves an app without domains at <app>.<domain>', async () => {
      await opened.router.apply({ app: 'plain', domains: [], upstreams: [{ host: '127.0.0.1', port: one.port }] });
      assert.deepEqual(await opened.get(`plain.${opened.domain}`), { status: 200, body: 'one' });
    });

    it('answers 502 for an app with no upstreams', async () => {
      await opened.router.apply({ app: 'idle', domains: ['idle.localhost'], upstreams: [] });
      assert.equal((await opened.get('idle.localhost')).status, 502);
      assert.ok((await opened.router.listApps()).includes('idle'));
    });

    it('a new apply replaces the app\'s route: the new upstream serves, the old domain is gone', async () => {
      await opened.router.apply({ app: 'moving', domains: ['old.localhost'], upstreams: [{ host: '127.0.0.1', port: one.port }] });
      assert.equal((await opened.get('old.localhost')).body, 'one');
      await opened.router.apply({ app: 'moving', domains: ['new.localhost'], upstreams: [{ host: '127.0.0.1', port: two.port }] });
      assert.deepEqual([await opened.get('new.localhost'), (await opened.get('old.localhost')).status], [{ status: 200, body: 'two' }, 404]);
    });

    it('remove drops the route: 404, not listed, no config', async () => {
      await opened.router.apply({ app: 'gone', domains: ['gone.localhost'], upstreams: [{ host: '127.0.0.1', port: one.port }] });
      assert.notEqual(await opened.router.configOf('gone'), null);
      await opened.router.remove('gone');
      assert.equal((await opened.get('gone.localhost')).status, 404);
      assert.equal((await opened.router.listApps()).includes('gone'), false);
      assert.equal(await opened.router.configOf('gone'), null);
      await opened.router.remove('gone');
    });
  });
}
