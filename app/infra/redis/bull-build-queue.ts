import { DelayedError, Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { BerthError } from '../../errors';
import type { BuildHandler, BuildJob, BuildQueue } from '../../ports/build-queue';
import type { LockService } from '../../ports/lock';
import type { AppFifo } from './app-fifo';
import type { BuildCancellations } from './build-cancellations';

const QUEUE_NAME = 'builds';
/** How long a build that is not its app's next waits before it looks again. */
const RECHECK_MS = 250;
/** BullMQ renews the job lock every half of this while the handler runs; long builds stay active. */
const JOB_LOCK_MS = 60_000;
/** Finished jobs kept for inspection; berth's own build records are the history. */
const KEEP_FINISHED = 1000;

export interface BullBuildQueueOptions {
  /** A connection with maxRetriesPerRequest: null, as BullMQ requires; owned by the caller. */
  readonly bullConnection: Redis;
  readonly prefix: string;
  readonly fifo: AppFifo;
  readonly cancellations: BuildCancellations;
  readonly locks: LockService;
  readonly onError: (err: Error) => void;
}

/**
 * Builds on BullMQ. BullMQ runs jobs in parallel; the per-app order comes from AppFifo and the
 * app lock: a job runs only when it is its app's head and holds `app:<app>`, otherwise it goes
 * back to delayed for a moment and frees its worker slot for other apps.
 * The handler must not take the `app:<app>` lock itself: it is held for it.
 */
export class BullBuildQueue implements BuildQueue {
  private readonly queue: Queue<BuildJob>;
  private worker: Worker<BuildJob> | undefined;
  private readonly running = new Map<number, AbortController>();

  constructor(private readonly options: BullBuildQueueOptions) {
    this.queue = new Queue<BuildJob>(QUEUE_NAME, { connection: options.bullConnection, prefix: options.prefix });
    this.queue.on('error', options.onError);
  }

  async enqueue(job: BuildJob): Promise<void> {
    // Every field of the job reaches the worker (a push's ref and expectedOldSha are its
    // superseded check); test/integration/build-queue-conformance.test.ts round-trips them.
    const data: BuildJob = { ...job };
    // Order first: a job that finds itself missing from its app's list treats itself as pruned.
    await this.options.fifo.push(job.app, job.buildId);
    try {
      await this.queue.add(QUEUE_NAME, data, {
        jobId: jobId(job.buildId),
        attempts: 1, // berth records the failure; a retry is a new build
        removeOnComplete: { count: KEEP_FINISHED },
        removeOnFail: { count: KEEP_FINISHED },
      });
    } catch (e) {
      await this.options.fifo.remove(job.app, job.buildId).catch(() => undefined);
      throw e;
    }
  }

  async positionOf(job: BuildJob): Promise<number> {
    return (await this.options.fifo.indexOf(job.app, job.buildId)) ?? 0;
  }

  async prune(isLive: (buildId: number) => boolean | Promise<boolean>): Promise<void> {
    await this.options.fifo.prune(isLive);
  }

  async releaseApp(app: string): Promise<void> {
    await this.options.locks.forceRelease(`app:${app}`);
  }

  async cancel(buildId: number): Promise<void> {
    await this.options.cancellations.request(buildId);
  }

  async startWorker(handler: BuildHandler, concurrency: number): Promise<void> {
    if (this.worker) throw new Error('BullBuildQueue.startWorker called twice');
    await this.options.cancellations.listen((buildId) => {
      this.running.get(buildId)?.abort(cancelled(buildId));
    });
    this.worker = new Worker<BuildJob>(QUEUE_NAME, (job, token) => this.process(job, token, handler), {
      connection: this.options.bullConnection,
      prefix: this.options.prefix,
      concurrency,
      lockDuration: JOB_LOCK_MS,
    });
    this.worker.on('error', this.options.onError);
    await this.worker.waitUntilReady();
  }

  /** Waits for running builds to finish, then closes the worker, the queue and the subscriber. */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    await this.options.cancellations.close();
  }

  private async process(job: Job<BuildJob>, token: string | undefined, handler: BuildHandler): Promise<void> {
    const { app, buildId } = job.data;
    const { fifo, locks, cancellations } = this.options;
    const index = await fifo.indexOf(app, buildId);
    // Not in the order any more: prune() dropped it after a crash (its build is over), or a
    // stalled copy of a build that already finished. Nothing to run.
    if (index === null) return;
    const release = index === 0 ? await locks.tryAcquire(`app:${app}`) : null;
    if (!release) {
      await job.moveToDelayed(Date.now() + RECHECK_MS, token);
      throw new DelayedError();
    }

    const controller = new AbortController();
    // Registered before the flag check: a cancel after it arrives as a message.
    this.running.set(buildId, controller);
    try {
      if (await cancellations.isRequested(buildId)) controller.abort(cancelled(buildId));
      await handler(job.data, { signal: controller.signal });
    } finally {
      this.running.delete(buildId);
      await fifo.remove(app, buildId);
      await release();
      await cancellations.clear(buildId);
      await this.wakeNext(app);
    }
  }

  /** Starts the app's next build now rather than at its next recheck. */
  private async wakeNext(app: string): Promise<void> {
    try {
      const next = await this.options.fifo.head(app);
      if (next === null) return;
      const job = await Job.fromId(this.queue, jobId(next));
      if (job && (await job.isDelayed())) await job.promote();
    } catch {
      // It was promoted, started or removed meanwhile; its recheck still comes.
    }
  }
}

function jobId(buildId: number): string {
  return `build-${buildId}`;
}

function cancelled(buildId: number): BerthError {
  return new BerthError('BUILD_CANCELLED', `Build ${buildId} was cancelled.`);
}
