import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { PushGate } from '../../../app/builds';
import { BerthError } from '../../../app/errors';
import type { HttpServices } from '../../../app/http/http-services';
import { gitRoutes } from '../../../app/http/routes/git-routes';
import type { GitHttpRequest } from '../../../app/ports/git-repos';
import type { AppRecord, UserRecord } from '../../../app/ports/store';
import { forbidden } from '../../../app/users';

/**
 * git's HTTP route in-process, on fake services (no store, git or docker): the route receives
 * HttpServices, so a test hands it a real PushGate over fakes and sees what reaches git.
 */
describe('git over HTTP, in-process against fake services', () => {
  const admin: UserRecord = { id: 1, name: 'ada', role: 'admin' };
  const viewer: UserRecord = { id: 2, name: 'vic', role: 'viewer' };
  const apps = new Map<string, Partial<AppRecord>>([['shop', { name: 'shop', locked: false }], ['frozen', { name: 'frozen', locked: true }]]);
  const served: Array<Omit<GitHttpRequest, 'body'>> = [];
  let server: http.Server;
  let base = '';

  const gate = new PushGate({
    repos: {
      assertRoomToPush: async () => undefined,
      ensureRepo: async () => undefined,
      serveHttp: async (request, response) => {
        const { body: _body, ...rest } = request;
        served.push(rest);
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.body.end('git answered\n');
      },
      serveStream: async () => 0,
    },
    apps: { find: (name) => (apps.get(name) as AppRecord | undefined) ?? null, create: async () => undefined },
    access: { authorize: (user, action, app) => { if (user.role === 'viewer' && action !== 'read') throw forbidden(user, action, app); } },
    autoCreateApps: true, hookSecret: 'x'.repeat(48),
    receiver: { receive: async () => undefined },
  });
  const services = {
    users: { authenticate: (token: string | null) => { const u = { admin, viewer }[token as 'admin' | 'viewer']; if (!u) throw new BerthError('UNAUTHENTICATED', 'no'); return u; } },
    events: { withSource: <T>(_source: string, fn: () => T): T => fn() },
    pushGate: gate,
  } as unknown as HttpServices;

  before(async () => {
    const app = express();
    app.use(gitRoutes(services, { read: () => { throw new Error('unused'); }, writer: () => { throw new Error('unused'); }, secretHeader: 'x-hook' }));
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => { server.close(); });

  const get = async (path: string, token = 'admin') => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Basic ${Buffer.from(`berth:${token}`).toString('base64')}` } });
    return [res.status, await res.text()] as const;
  };

  it('hands git the app\'s repo path whether or not the URL says .git, and reads a receive-pack query as a push', async () => {
    served.length = 0;
    assert.deepEqual(await get('/git/shop/info/refs?service=git-receive-pack'), [200, 'git answered\n']);
    assert.deepEqual(await get('/git/shop.git/info/refs?service=git-upload-pack'), [200, 'git answered\n']);
    assert.deepEqual(served.map((s) => [s.pathInfo, s.query, s.remoteUser]), [
      ['/shop.git/info/refs', 'service=git-receive-pack', 'ada'],
      ['/shop.git/info/refs', 'service=git-upload-pack', 'ada'],
    ]);
  });

  it('refuses with the push gate\'s codes, in the body git shows its user, before git runs', async () => {
    served.length = 0;
    const code = async (path: string, token?: string) => {
      const [status, text] = await get(path, token);
      return [status, /\(([A-Z_]+)\)\n$/.exec(text)?.[1] ?? text];
    };
    assert.deepEqual(await Promise.all([
      code('/git/Shop.git/info/refs?service=git-upload-pack'),
      code('/git/shop-.git/info/refs?service=git-receive-pack'),
      code('/git/nope.git/info/refs?service=git-upload-pack'),
      code('/git/shop.git/info/refs?service=git-receive-pack', 'viewer'),
      code('/git/shop.git/git-receive-pack', 'viewer'),
      code('/git/frozen.git/info/refs?service=git-receive-pack'),
      code('/git/shop.git/info/refs?service=git-receive-pack&service=git-upload-pack', 'viewer'),
    ]), [
      [422, 'INVALID_APP_NAME'], [422, 'INVALID_APP_NAME'], [404, 'APP_NOT_FOUND'], [403, 'FORBIDDEN'], [403, 'FORBIDDEN'],
      [409, 'APP_LOCKED'], [400, 'INVALID_INPUT'],
    ]);
    assert.deepEqual(served, [], 'git never ran');
    assert.equal((await get('/git/shop.git/info/refs', 'stranger'))[0], 401);
  });
});
