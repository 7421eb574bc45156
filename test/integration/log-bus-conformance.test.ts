import { randomBytes } from 'node:crypto';
import { createRedisInfra } from '../../app/infra/redis';
import { logBusConformance } from '../conformance/log-bus';
import { deleteRedisKeys } from '../support/redis-keys';

const URL = process.env.BERTH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// The real adapter: a Redis stream per build on the machine's Redis, a fresh key prefix per test.
logBusConformance('RedisLogBus (real Redis streams)', async () => {
  const prefix = `berth-test-${randomBytes(6).toString('hex')}`;
  const infra = createRedisInfra({ url: URL, prefix });
  await infra.ping();
  return {
    logs: infra.logs,
    async close() {
      await infra.close();
      await deleteRedisKeys(URL, prefix);
    },
  };
});
