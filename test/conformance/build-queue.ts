import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { BuildJob, BuildQueue } from '../../app/ports/build-queue';

/** One implementation of the BuildQueue port, opened fresh for each test. */
export interface OpenedQueue {
  readonly queue: BuildQueue;
  close(): Promise<void>;
}

/** A job with every field of BuildJob set: `Required<>` stops the build when BuildJob gains a field not set here. */
function fullJob(buildId: number, app: string): Required<BuildJob> {
  return { buildId, app, kind: 'push', ref: 'refs/heads/main', expectedOldSha: randomBytes(20).toString('hex'), whileCurrent: 7 };
}

/**
 * What every BuildQueue must do (the port's comments, app/ports/build-queue.ts), run against BullMQ
 * on Redis (test/integration/build-queue-conformance.test.ts) and the in-memory fake the unit tests
 * use (test/unit/conformance/build-queue.test.ts), so neither can drift: the queue once lost a
 * push's ref and expected sha unnoticed because nothing held the two to the same contract.
 */
export function buildQueueConformance(name: string, open: () => Promise<OpenedQueue>): void {
  describe(`build queue conformance: ${name}`, function () {
    this.timeout(30_000);
    let opened: OpenedQueue;
    /** Jobs as the handler got them, in the order they started. */
    let started: BuildJob[];
    let finished: number[];
    /** Per build: resolves the handler (the build "ends"). */
    let gates: Map<number, () => void>;
    let signals: Map<number, AbortSignal>;
    /** Set when two builds of one app ran at once. */
    let overlap: string | null;
    let nextId: number;
    /** Woken whenever a build starts or finishes: the tests wait on these events, not on a clock. */
    let changed: Array<() => void>;
    const notify = () => changed.splice(0).forEach((wake) => wake());
    const until = async (what: string, done: () => boolean): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!done()) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`gave up waiting for ${what}`);
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((wake) => { changed.push(wake); timer = setTimeout(wake, left); });
        clearTimeout(timer);
      }
    };
    const app = () => `conf-${randomBytes(3).toString('hex')}`;
    const id = () => nextId++;

    beforeEach(async () => {
      opened = await open();
      started = [];
      finished = [];
      gates = new Map();
      signals = new Map();
      overlap = null;
      changed = [];
      nextId = 100_000 + Math.floor(Math.random() * 800_000);
    });
    afterEach(async () => {
      gates.forEach((end) => end());
      await opened?.close();
    });

    /** The worker: each build waits until its gate opens or its signal aborts. */
    const startWorker = (concurrency: number) => opened.queue.startWorker(async (job, ctx) => {
      if (started.some((s) => s.app === job.app && !finished.includes(s.buildId))) overlap = `${job.app}: ${job.buildId} started while another build of it ran`;
      started.push(job);
      signals.set(job.buildId, ctx.signal);
      notify();
      try {
        await new Promise<void>((resolve, reject) => {
          gates.set(job.buildId, resolve);
          if (ctx.signal.aborted) reject(ctx.signal.reason as Error);
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true });
        });
      } finally {
        finished.push(job.buildId);
        notify();
      }
    }, concurrency);
    const startedIds = () => started.map((j) => j.buildId);
    const waitStarted = (buildId: number) => until(`build ${buildId} to start`, () => startedIds().includes(buildId));
    const waitFinished = (buildId: number) => until(`build ${buildId} to finish`, () => finished.includes(buildId));
    const end = async (buildId: number) => { gates.get(buildId)!(); await waitFinished(buildId); };

    it('hands the worker every field of the job it was given', async () => {
      const job = fullJob(id(), app());
      await startWorker(1);
      await opened.queue.enqueue(job);
      await waitStarted(job.buildId);
      assert.deepEqual(started, [job]);
    });

    it('hands out a job without the optional push facts as it was given (no fields made up)', async () => {
      const job: BuildJob = { buildId: id(), app: app(), kind: 'rebuild' };
      await startWorker(1);
      await opened.queue.enqueue(job);
      await waitStarted(job.buildId);
      assert.deepEqual(started, [job]);
    });

    it('runs the builds of one app one at a time in the order queued, and another app\'s meanwhile', async () => {
      const [a, b] = [app(), app()];
      const [a1, a2, a3, b1] = [id(), id(), id(), id()];
      await startWorker(3);
      for (const [buildId, name] of [[a1, a], [a2, a], [a3, a], [b1, b]] as const) await opened.queue.enqueue({ buildId, app: name, kind: 'config' });
      await waitStarted(a1);
      await waitStarted(b1);
      await end(a1);
      await waitStarted(a2);
      await end(a2);
      await waitStarted(a3);
      await end(a3);
      await end(b1);
      assert.equal(overlap, null);
      assert.deepEqual(started.filter((j) => j.app === a).map((j) => j.buildId), [a1, a2, a3]);
    });

    it('answers how many builds of the app are ahead of one (the running one counted), 0 once it runs or is gone', async () => {
      const a = app();
      const [j1, j2, j3] = [id(), id(), id()].map((buildId): BuildJob => ({ buildId, app: a, kind: 'config' }));
      const other: BuildJob = { buildId: id(), app: app(), kind: 'config' };
      await startWorker(2);
      for (const j of [j1, j2, j3, other]) await opened.queue.enqueue(j);
      await waitStarted(j1.buildId);
      assert.deepEqual(await Promise.all([j1, j2, j3, other].map((j) => opened.queue.positionOf(j))), [0, 1, 2, 0]);
      await end(j1.buildId);
      await waitStarted(j2.buildId);
      assert.deepEqual(await Promise.all([j2, j3].map((j) => opened.queue.positionOf(j))), [0, 1]);
      await end(j2.buildId);
      await waitStarted(j3.buildId);
      await end(j3.buildId);
      assert.equal(await opened.queue.positionOf(j1), 0);
    });

    it('cancel aborts the running build\'s signal with BUILD_CANCELLED, and the app\'s next build then runs', async () => {
      const a = app();
      const [running, next] = [id(), id()];
      await startWorker(1);
      await opened.queue.enqueue({ buildId: running, app: a, kind: 'config' });
      await opened.queue.enqueue({ buildId: next, app: a, kind: 'config' });
      await waitStarted(running);
      await opened.queue.cancel(running);
      await waitFinished(running);
      const reason = signals.get(running)!.reason as { code?: string; message?: string };
      assert.deepEqual([reason.code, reason.message], ['BUILD_CANCELLED', `Build ${running} was cancelled.`]);
      await waitStarted(next);
      assert.equal(signals.get(next)!.aborted, false);
    });

    it('a build cancelled while queued starts with its signal already aborted', async () => {
      const a = app();
      const [first, queued] = [id(), id()];
      await startWorker(1);
      await opened.queue.enqueue({ buildId: first, app: a, kind: 'config' });
      await opened.queue.enqueue({ buildId: queued, app: a, kind: 'config' });
      await waitStarted(first);
      await opened.queue.cancel(queued);
      await end(first);
      await waitFinished(queued);
      assert.equal((signals.get(queued)!.reason as { code?: string }).code, 'BUILD_CANCELLED');
    });

    it('prune drops builds that are no longer live: they never run, and the app\'s next build is not blocked by them', async () => {
      const a = app();
      const [dead, live] = [id(), id()];
      await opened.queue.enqueue({ buildId: dead, app: a, kind: 'config' });
      await opened.queue.enqueue({ buildId: live, app: a, kind: 'config' });
      await opened.queue.prune((buildId) => buildId !== dead);
      await startWorker(1);
      await waitStarted(live);
      await end(live);
      assert.deepEqual(startedIds(), [live]);
    });
  });
}
