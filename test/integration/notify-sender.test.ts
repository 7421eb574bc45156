import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNotificationSenders } from '../../app/infra/notify';

/**
 * The webhook sender against a real receiver on loopback: a refusing receiver's status is what the
 * target's lastError keeps, never its answer's body, which whoever adds a target would read back
 * from any service their address reaches (the review's finding: a developer read a loopback
 * service's "db_password=…" error page through notifications:list).
 */
describe('notifications: a refusing receiver\'s answer body never reaches the target\'s status', () => {
  let server: http.Server;
  let url = '';
  before(async () => {
    server = http.createServer((_req, res) => { res.writeHead(500, { 'content-type': 'text/plain' }); res.end('INTERNAL-ONLY-SECRET: db_password=hunter2'); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(() => { server.close(); });

  it('rejects with the status alone', async () => {
    const senders = createNotificationSenders({ refused: () => null });
    await assert.rejects(senders.post(url, '{}', { 'content-type': 'application/json' }), (e: Error) => {
      assert.equal(e.message, 'the receiver answered HTTP 500');
      return true;
    });
  });
});
