import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { RedisKeys } from '../../app/infra/redis/keys';
import { RedisRouteFeed } from '../../app/infra/redis/redis-route-feed';
import { routeFeedConformance } from '../conformance/route-feed';
import { deleteRedisKeys } from '../support/redis-keys';

const URL = process.env.BERTH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// The real adapter: two connections on one key prefix, as berth and a router agent have.
routeFeedConformance('RedisRouteFeed (real Redis)', async (clock) => {
  const prefix = `berth-test-${randomBytes(6).toString('hex')}`;
  const [a, b] = [new IORedis(URL), new IORedis(URL)];
  const keys = new RedisKeys(prefix);
  return {
    one: new RedisRouteFeed(a, keys, () => clock.now),
    two: new RedisRouteFeed(b, keys, () => clock.now),
    async close() {
      await Promise.all([a.quit(), b.quit()]);
      await deleteRedisKeys(URL, prefix);
    },
  };
});
