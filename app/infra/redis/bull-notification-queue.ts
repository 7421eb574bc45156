import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { NotificationDelivery, NotificationQueue } from '../../ports/notifications';

const QUEUE_NAME = 'notifications';
/** Deliveries kept after they end, for inspection; the targets' rows hold the status users see. */
const KEEP_FINISHED = 500;

export interface BullNotificationQueueOptions {
  /** A connection with maxRetriesPerRequest: null, as BullMQ requires; owned by the caller. */
  readonly bullConnection: Redis;
  readonly prefix: string;
  /** Tries per delivery, the first included. */
  readonly attempts: number;
  /** The first retry waits this long, each next one twice as long (BullMQ's exponential backoff). */
  readonly backoffMs: number;
  /** Deliveries sent at once. */
  readonly concurrency: number;
  readonly onError: (err: Error) => void;
}

/**
 * Notifications on their own BullMQ queue: a delivery that fails is retried with exponential
 * backoff by BullMQ itself (the delayed set survives a berth restart), apart from the builds, so a
 * receiver that hangs never holds a build's worker slot.
 */
export class BullNotificationQueue<E> implements NotificationQueue<E> {
  private readonly queue: Queue<NotificationDelivery<E>>;
  private worker: Worker<NotificationDelivery<E>> | undefined;

  constructor(private readonly options: BullNotificationQueueOptions) {
    this.queue = new Queue<NotificationDelivery<E>>(QUEUE_NAME, { connection: options.bullConnection, prefix: options.prefix });
    this.queue.on('error', options.onError);
  }

  async enqueue(delivery: NotificationDelivery<E>): Promise<void> {
    await this.queue.add(QUEUE_NAME, delivery, {
      jobId: delivery.id,
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: this.options.backoffMs },
      removeOnComplete: { count: KEEP_FINISHED },
      removeOnFail: { count: KEEP_FINISHED },
    });
  }

  async startWorker(handler: (d: NotificationDelivery<E>, attempt: { number: number; final: boolean }) => Promise<void>): Promise<void> {
    if (this.worker) throw new Error('BullNotificationQueue.startWorker called twice');
    this.worker = new Worker<NotificationDelivery<E>>(QUEUE_NAME, async (job) => {
      const number = job.attemptsMade + 1;
      await handler(job.data, { number, final: number >= (job.opts.attempts ?? 1) });
    }, { connection: this.options.bullConnection, prefix: this.options.prefix, concurrency: this.options.concurrency });
    this.worker.on('error', this.options.onError);
    await this.worker.waitUntilReady();
  }

  async pending(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'waiting-children');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
