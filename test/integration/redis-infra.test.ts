import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { isBerthError } from '../../app/errors';
import { deleteRedisKeys } from '../support/redis-keys';
import { createRedisInfra, type RedisInfra } from '../../app/infra/redis';
import type { BuildJob, BuildJobContext } from '../../app/ports/build-queue';
import { waitFor } from '../support/poll';

const URL = process.env.BERTH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Run {
  start: number;
  end?: number;
  abortedAtStart: boolean;
  aborted: boolean;
  reason?: unknown;
}

/** What each test build does, and what happened to it. */
class Builds {
  readonly runs = new Map<number, Run>();
  private readonly plans = new Map<number, (ctx: BuildJobContext) => Promise<void>>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private next = 1000 + Math.floor(Math.random() * 1000) * 1000;

  id(plan: (ctx: BuildJobContext) => Promise<void> = () => sleep(50)): number {
    const id = this.next++;
    this.plans.set(id, plan);
    return id;
  }

  readonly handler = async (job: BuildJob, ctx: BuildJobContext): Promise<void> => {
    const run: Run = { start: Date.now(), abortedAtStart: ctx.signal.aborted, aborted: false };
    this.runs.set(job.buildId, run);
    this.fire(`start:${job.buildId}`);
    try {
      await (this.plans.get(job.buildId) ?? (() => sleep(10)))(ctx);
    } finally {
      run.end = Date.now();
      run.aborted = ctx.signal.aborted;
      run.reason = ctx.signal.reason;
      this.fire(`end:${job.buildId}`);
    }
  };

  started(id: number): Promise<void> {
    return this.when(`start:${id}`, this.runs.has(id));
  }

  ended(id: number): Promise<void> {
    return this.when(`end:${id}`, this.runs.get(id)?.end !== undefined);
  }

  private when(event: string, already: boolean): Promise<void> {
    if (already) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(event, [...(this.waiters.get(event) ?? []), resolve]));
  }

  private fire(event: string): void {
    for (const resolve of this.waiters.get(event) ?? []) resolve();
    this.waiters.delete(event);
  }
}

describe('redis infra (real Redis)', () => {
  const prefix = `berth-test-${randomBytes(6).toString('hex')}`;
  const builds = new Builds();
  let infra: RedisInfra;
  /** A second berth process sharing the Redis and prefix; it runs no worker. */
  let other: RedisInfra;

  const app = (name: string) => `${name}-${randomBytes(3).toString('hex')}`;
  /** The job's score in BullMQ's delayed set of berth's build queue, or null when it is not there. */
  const bullDelayed = async (jobId: string): Promise<string | null> => {
    const redis = new IORedis(URL);
    try { return await redis.zscore(`${prefix}:builds:delayed`, jobId); } finally { await redis.quit(); }
  };
  const job = (a: string, buildId: number): BuildJob => ({ app: a, buildId, kind: 'push' });

  before(async () => {
    infra = createRedisInfra({ url: URL, prefix });
    other = createRedisInfra({ url: URL, prefix });
    await infra.ping();
    await infra.queue.startWorker(builds.handler, 2);
  });

  after(async () => {
    await other?.close();
    await infra?.close();
    await deleteRedisKeys(URL, prefix);
  });

  describe('build queue', () => {
    it('runs one app in enqueue order and other apps in parallel', async () => {
      const a = app('a');
      const b = app('b');
      const a1 = builds.id(() => sleep(800));
      const a2 = builds.id(() => sleep(200));
      const b1 = builds.id(() => sleep(200));
      await infra.queue.enqueue(job(a, a1));
      await infra.queue.enqueue(job(a, a2));
      await infra.queue.enqueue(job(b, b1));

      await builds.started(a1);
      assert.equal(await other.queue.positionOf(job(a, a2)), 1);
      assert.equal(builds.runs.has(a2), false, 'A2 must wait for A1');
      const a3 = builds.id(() => sleep(50));
      await infra.queue.enqueue(job(a, a3));
      assert.equal(await infra.queue.positionOf(job(a, a3)), 2);

      await Promise.all([builds.ended(a3), builds.ended(b1)]);
      const [r1, r2, r3, rb] = [a1, a2, a3, b1].map((id) => builds.runs.get(id)!);
      assert.ok(rb.start < r1.end!, 'B runs while A1 runs');
      assert.ok(r2.start >= r1.end!, 'A2 starts after A1 ends');
      assert.ok(r3.start >= r2.end!, 'A3 starts after A2 ends');
      assert.equal(await infra.queue.positionOf(job(a, a3)), 0);
    });

    it('keeps the order when a build fails', async () => {
      const a = app('fail');
      const f1 = builds.id(async () => {
        await sleep(100);
        throw new Error('boom');
      });
      const f2 = builds.id();
      await infra.queue.enqueue(job(a, f1));
      await infra.queue.enqueue(job(a, f2));
      await builds.ended(f2);
      assert.ok(builds.runs.get(f2)!.start >= builds.runs.get(f1)!.end!);
    });

    it('cancel from another process aborts a running build', async () => {
      const c = app('cancel-running');
      const id = builds.id((ctx) => untilAborted(ctx.signal, 10_000));
      await infra.queue.enqueue(job(c, id));
      await builds.started(id);
      await other.queue.cancel(id);
      await builds.ended(id);
      const run = builds.runs.get(id)!;
      assert.equal(run.abortedAtStart, false);
      assert.equal(run.aborted, true, 'the build ended by the cancel, not by its own 10 s limit');
      assert.ok(isBerthError(run.reason) && run.reason.code === 'BUILD_CANCELLED');
    });

    it('a cancelled queued build runs with an aborted signal', async () => {
      const c = app('cancel-queued');
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const first = builds.id(() => gate);
      const second = builds.id();
      await infra.queue.enqueue(job(c, first));
      await infra.queue.enqueue(job(c, second));
      await builds.started(first);
      await other.queue.cancel(second);
      open();
      await builds.ended(second);
      assert.equal(builds.runs.get(first)!.aborted, false);
      assert.equal(builds.runs.get(second)!.abortedAtStart, true);
    });

    it('prune drops a dead build so the next one runs', async () => {
      const p = app('prune');
      const dead = builds.id();
      const live = builds.id();
      // What a crash leaves behind: the id of a build that will never finish, ahead of others.
      const redis = new IORedis(URL);
      try {
        await redis.rpush(`${prefix}:app-fifo:${p}`, String(dead));
      } finally {
        await redis.quit();
      }
      await infra.queue.enqueue(job(p, live));
      // The worker has looked at the live build and put it back (BullMQ's delayed set holds it):
      // a worker that ran it anyway would have recorded a run by then.
      await waitFor('the worker to defer or run the live build', async () => builds.runs.has(live) || (await bullDelayed(`build-${live}`)) !== null, 10_000);
      assert.equal(builds.runs.has(live), false, 'blocked behind the dead build');
      assert.equal(await infra.queue.positionOf(job(p, live)), 1);
      await other.queue.prune((id) => id !== dead);
      await builds.ended(live);
      assert.equal(builds.runs.has(dead), false);
    });
  });

  describe('log bus', () => {
    it('followers before and after the appends see every line in order and the outcome', async () => {
      const id = builds.id();
      const early: string[] = [];
      const earlyDone = other.logs.follow(id, (l) => early.push(l));
      const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
      for (const l of lines) await infra.logs.append(id, l);
      await infra.logs.end(id, 'failed');
      assert.equal(await earlyDone, 'failed');
      assert.deepEqual(early, lines);

      const late: string[] = [];
      assert.equal(await other.logs.follow(id, (l) => late.push(l)), 'failed');
      assert.deepEqual(late, lines);
    });

    it('a follower sees each line while the log is still open, one by one (not only when it ends)', async () => {
      const id = builds.id();
      const seen: string[] = [];
      const done = other.logs.follow(id, (l) => seen.push(l));
      // Each line is awaited before the next is written and before the log ends: a follower that
      // only delivered at the end (or in batches) never gets past the first wait. How fast a line
      // arrives is a benchmark question, not a test's.
      for (let i = 0; i < 3; i++) {
        await infra.logs.append(id, `live ${i}`);
        await waitFor(`line ${i} at the follower`, () => seen.length === i + 1, 10_000);
      }
      await infra.logs.end(id, 'succeeded');
      assert.equal(await done, 'succeeded');
      assert.deepEqual(seen, ['live 0', 'live 1', 'live 2']);
    });

    it('follow stops when its signal aborts', async () => {
      const id = builds.id();
      const ac = new AbortController();
      const seen: string[] = [];
      const done = infra.logs.follow(id, (l) => seen.push(l), ac.signal);
      await infra.logs.append(id, 'hello');
      await waitFor('hello at the follower', () => seen.length === 1, 10_000);
      ac.abort(new Error('client went away'));
      await assert.rejects(done, /client went away/);
      assert.deepEqual(seen, ['hello']);
    });
  });

  describe('locks', () => {
    it('is exclusive across processes until released', async () => {
      const name = `test-${randomBytes(4).toString('hex')}`;
      const release = await infra.locks.tryAcquire(name);
      assert.ok(release);
      assert.equal(await other.locks.tryAcquire(name), null);
      assert.equal(await infra.locks.tryAcquire(name), null);
      await assert.rejects(other.locks.acquire(name, { waitMs: 150 }));
      // The waiter must have found the lock held (at least one refused try) before it is released,
      // so it is the wait that hands it over: its tries are counted, not given time by a sleep.
      let tries = 0;
      const tryAcquire = other.locks.tryAcquire.bind(other.locks);
      other.locks.tryAcquire = async (n: string) => { const r = await tryAcquire(n); tries++; return r; };
      const waiting = other.locks.acquire(name, { waitMs: 5000 });
      await waitFor('the waiter to find the lock held', () => tries >= 1, 5000);
      await release();
      const release2 = await waiting;
      assert.ok(tries >= 2, 'the waiter took the lock on a later try, after the release');
      delete (other.locks as { tryAcquire?: unknown }).tryAcquire;
      assert.equal(await infra.locks.tryAcquire(name), null);
      await release2();
      const release3 = await infra.locks.tryAcquire(name);
      assert.ok(release3);
      await release3();
    });
  });

  describe('ping', () => {
    it('names the URL when Redis cannot be reached', async () => {
      const down = createRedisInfra({ url: 'redis://127.0.0.1:1', prefix, onError: () => undefined });
      try {
        await assert.rejects(down.ping(), (e: unknown) => {
          assert.ok(isBerthError(e));
          assert.equal(e.code, 'REDIS_UNAVAILABLE');
          assert.match(e.message, /redis:\/\/127\.0\.0\.1:1 cannot be reached: .*Start redis-server/);
          return true;
        });
      } finally {
        await down.close();
      }
    });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function untilAborted(signal: AbortSignal, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
