import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BullCronScheduler } from '../../app/infra/redis';
import { cronSchedulerConformance } from '../conformance/cron-scheduler';
import { deleteRedisKeys } from '../support/redis-keys';

const URL = process.env.BERTH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// The real adapter: two BullMQ schedulers (each its own connection) on one key prefix, as a web and a worker process have.
cronSchedulerConformance('BullCronScheduler (BullMQ on real Redis)', async () => {
  const prefix = `berth-test-${randomBytes(6).toString('hex')}`;
  const errors: string[] = [];
  const onError = (e: Error) => { errors.push(e.message); };
  const one = new BullCronScheduler({ url: URL, prefix, onError });
  const two = new BullCronScheduler({ url: URL, prefix, onError });
  return {
    one,
    two,
    async close() {
      await Promise.all([one.close(), two.close()]);
      await deleteRedisKeys(URL, prefix);
      assert.deepEqual(errors, [], 'BullMQ reported no error');
    },
  };
});
