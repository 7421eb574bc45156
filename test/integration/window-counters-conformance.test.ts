import { randomBytes } from 'node:crypto';
import { createRedisInfra } from '../../app/infra/redis';
import { windowCountersConformance } from '../conformance/window-counters';
import { deleteRedisKeys } from '../support/redis-keys';

const URL = process.env.BERTH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// The real adapter: two Redis connection sets on one key prefix, as a web and a worker process have.
windowCountersConformance('RedisWindowCounters (real Redis)', async () => {
  const prefix = `berth-test-${randomBytes(6).toString('hex')}`;
  const one = createRedisInfra({ url: URL, prefix });
  const two = createRedisInfra({ url: URL, prefix });
  await Promise.all([one.ping(), two.ping()]);
  return {
    one: one.counters,
    two: two.counters,
    async close() {
      await Promise.all([one.close(), two.close()]);
      await deleteRedisKeys(URL, prefix);
    },
  };
});
