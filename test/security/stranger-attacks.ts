import assert from 'node:assert/strict';
import net from 'node:net';
import type { Tenant } from './tenant';

/** A raw HTTP/1.1 exchange: what the server sent, once it closed the connection. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => { text += c; });
    socket.on('error', reject);
    // Resolves only when the server closes: a leaked socket fails the test by its timeout.
    socket.on('close', () => resolve(text));
  });
}

/**
 * What a stranger (no login) or a user can do to berth itself: hold sockets, make berth parse
 * bodies before it knows who asks, fill its log with 500s and stacks, or pass for another source.
 */
export function strangerAttacks(t: () => Tenant): void {
  describe('strangers hold no socket, reach no parser and log no 500', () => {
    it('an unauthenticated Upgrade request, any path and kind, is answered and closed (404 NOT_FOUND / 401 UNAUTHENTICATED)', async function () {
      this.timeout(30_000); // a leaked socket never closes
      const { berth, appA } = t();
      const ws = await raw(berth.port, 'GET /anything HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
      assert.match(ws, /^HTTP\/1\.1 404 NOT_FOUND\r\n/);
      assert.match(ws, /"code":"NOT_FOUND"/);
      const exec = await raw(berth.port, `POST /api/v1/apps/${appA}/run HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: berth-exec\r\n\r\n`);
      assert.match(exec, /^HTTP\/1\.1 401 UNAUTHENTICATED\r\n/);
    });

    it('an unauthenticated body is not parsed: malformed JSON without a token is 401 UNAUTHENTICATED, not 400', async () => {
      const { berth } = t();
      const res = await fetch(`${berth.url}/api/v1/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": ' });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    });

    it('asset traversal, missing assets and odd login bodies are 4xx with a code, and berth logs no internal error', async () => {
      const { berth } = t();
      const logged = berth.output.length;
      const cases: [string, string, RequestInit | undefined, number][] = [
        ['GET', '/assets/..%2f..%2fberth.db', undefined, 404],
        ['GET', '/assets/no-such-file.css', undefined, 404],
        ['GET', '/assets/.hidden', undefined, 404],
        ['POST', '/login', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `username=a&password=${'x'.repeat(20_000)}` }, 400],
        ['POST', '/login', { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-7' }, body: 'username=a' }, 400],
        ['POST', '/login', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=a&username=b&password[x]=1&_csrf=%E0%A4%A' }, 403],
      ];
      for (const [method, p, init, status] of cases) {
        const res = await fetch(`${berth.url}${p}`, { method, redirect: 'manual', ...init });
        const text = await res.text();
        assert.equal(res.status, status, `${method} ${p}: ${text.slice(0, 200)}`);
        if (status !== 403) assert.match(text, status === 404 ? /NOT_FOUND/ : /INVALID_INPUT/, `${method} ${p}`);
      }
      assert.doesNotMatch(berth.output.slice(logged), /internal error|dashboard error|    at /, 'nothing was logged as an internal error');
    });

    it('an SSH client that never logs in is disconnected (BERTH_SSH_AUTH_TIMEOUT)', async function () {
      this.timeout(30_000); // a silent client used to be kept forever
      const banner = await raw(Number(t().berth.env.BERTH_SSH_PORT), '');
      assert.match(banner, /^SSH-2\.0-/);
    });

    it('the audit source "ssh" cannot be claimed over HTTP: a developer\'s x-berth-client: ssh is audited as api', async () => {
      const { berth, appA, dev } = t();
      const res = await fetch(`${berth.url}/api/v1/apps/${appA}/config`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${dev.token}`, 'content-type': 'application/json', 'x-berth-client': 'ssh' },
        body: JSON.stringify({ set: { SPOOF: '1' }, restart: false }),
      });
      assert.equal(res.status, 200);
      const events = (await berth.api('GET', `/api/v1/events?app=${appA}`)).json.events as { kind: string; source: string; message: string; user: string }[];
      const mine = events.filter((e) => e.kind === 'config.changed' && e.message.includes('SPOOF'));
      assert.deepEqual(mine.map((e) => [e.user, e.source]), [[dev.name, 'api']]);
    });
  });
}
