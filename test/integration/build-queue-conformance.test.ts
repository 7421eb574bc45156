import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { deleteRedisKeys } from '../support/redis-keys';
import { createRedisInfra, type RedisInfra } from '../../app/infra/redis';
import type { BuildJob, BuildQueue } from '../../app/ports/build-queue';

const URL = process.env.BERTH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Every implementation of the BuildQueue port. Only BullMQ today (the unit tests use no fake
 * queue); a fake added for unit tests joins this list, so it cannot drop a field either.
 */
interface QueueImpl {
  readonly name: string;
  open(): Promise<{ queue: BuildQueue; close(): Promise<void> }>;
}

const implementations: QueueImpl[] = [
  {
    name: 'BullBuildQueue (real BullMQ on real Redis)',
    async open() {
      const prefix = `berth-test-${randomBytes(6).toString('hex')}`;
      const infra: RedisInfra = createRedisInfra({ url: URL, prefix });
      await infra.ping();
      return {
        queue: infra.queue,
        async close() {
          await infra.close();
          await deleteRedisKeys(URL, prefix);
        },
      };
    },
  },
];

/**
 * A job with every field of BuildJob set. `Required<BuildJob>` makes this file stop compiling
 * when BuildJob gains a field that is not set here, so a new field is round-tripped too.
 */
function fullJob(buildId: number): Required<BuildJob> {
  return {
    buildId,
    app: `conf-${randomBytes(3).toString('hex')}`,
    kind: 'push',
    ref: 'refs/heads/main',
    expectedOldSha: randomBytes(20).toString('hex'),
  };
}

for (const impl of implementations) {
  describe(`build queue conformance: ${impl.name}`, () => {
    let opened: Awaited<ReturnType<QueueImpl['open']>>;
    const received: BuildJob[] = [];
    const waiters: Array<() => void> = [];

    before(async () => {
      opened = await impl.open();
      await opened.queue.startWorker(async (job) => {
        received.push(job);
        waiters.splice(0).forEach((w) => w());
      }, 1);
    });
    after(async () => { await opened?.close(); });

    const handedOut = async (buildId: number): Promise<BuildJob> => {
      for (;;) {
        const job = received.find((j) => j.buildId === buildId);
        if (job) return job;
        await new Promise<void>((r) => waiters.push(r));
      }
    };

    it('hands the worker every field of the job it was given', async () => {
      const job = fullJob(700_000 + Math.floor(Math.random() * 100_000));
      await opened.queue.enqueue(job);
      assert.deepEqual(await handedOut(job.buildId), job);
    });

    it('hands out a job without the optional push facts as it was given (no fields made up)', async () => {
      const { buildId, app } = fullJob(800_000 + Math.floor(Math.random() * 100_000));
      const job: BuildJob = { buildId, app, kind: 'rebuild' };
      await opened.queue.enqueue(job);
      assert.deepEqual(await handedOut(buildId), job);
    });
  });
}

