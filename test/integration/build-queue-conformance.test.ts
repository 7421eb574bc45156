import { randomBytes } from 'node:crypto';
import { createRedisInfra } from '../../app/infra/redis';
import { buildQueueConformance } from '../conformance/build-queue';
import { deleteRedisKeys } from '../support/redis-keys';

const URL = process.env.BERTH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// The real adapter: BullMQ on the machine's Redis, a fresh key prefix per test.
buildQueueConformance('BullBuildQueue (real BullMQ on real Redis)', async () => {
  const prefix = `berth-test-${randomBytes(6).toString('hex')}`;
  const infra = createRedisInfra({ url: URL, prefix });
  await infra.ping();
  return {
    queue: infra.queue,
    async close() {
      await infra.close();
      await deleteRedisKeys(URL, prefix);
    },
  };
});
