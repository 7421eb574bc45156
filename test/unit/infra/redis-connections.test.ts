import assert from 'node:assert/strict';
import { closeConnection, DISCONNECT_TIMEOUT_MS, duplicateConnection, openConnection } from '../../../app/infra/redis/connections';

/**
 * A connection closed before it was ready (admin:bootstrap opens Redis and closes it at once) is
 * disconnected, and ioredis then keeps its socket — and the process — open for disconnectTimeout
 * (2 s by default) unless the socket closes first: every test berth's admin:bootstrap took 2 s more.
 * berth's connections, and their duplicates, give up on the socket after DISCONNECT_TIMEOUT_MS.
 */
describe('redis connections: a close does not hold the process open', function () {
  it('opened connections and their duplicates destroy a closing socket after DISCONNECT_TIMEOUT_MS, not ioredis\' 2 s', async () => {
    // Nothing listens on port 1: the connection never becomes ready, as in a close right after opening.
    const conn = openConnection({ url: 'redis://127.0.0.1:1', onError: () => undefined });
    const dup = duplicateConnection(conn, () => undefined);
    try {
      assert.equal(DISCONNECT_TIMEOUT_MS, 200);
      assert.equal(conn.options.disconnectTimeout, DISCONNECT_TIMEOUT_MS);
      assert.equal(dup.options.disconnectTimeout, DISCONNECT_TIMEOUT_MS);
    } finally {
      await closeConnection(dup);
      await closeConnection(conn);
    }
  });
});
