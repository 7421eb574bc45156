import { Queue, Worker } from 'bullmq';
import type { CronHandler, CronJob, CronScheduler } from '../../ports/cron-scheduler';
import type { Redis } from 'ioredis';
import { closeConnection, openConnection } from './connections';

const QUEUE_NAME = 'cron';
/** Runs kept for inspection in Redis; the app's logs are the history. */
const KEEP_FINISHED = 100;

export interface BullCronSchedulerOptions {
  /** e.g. redis://127.0.0.1:6379 */
  readonly url: string;
  /** BullMQ key prefix (the berth's Redis prefix). */
  readonly prefix: string;
  readonly onError: (err: Error) => void;
  /** BullMQ's connection of the berth's one connection set (createRedisInfra); absent: its own, closed with it. */
  readonly connection?: Redis;
  /** BullMQ queue name (default `cron`, app.json cron); scheduled service backups use their own. */
  readonly queueName?: string;
}

/** `<app>|<name>`: app names have no `|`, so one app's schedulers are found by prefix. */
const schedulerId = (job: Pick<CronJob, 'app' | 'name'>): string => `${job.app}|${job.name}`;

/**
 * app.json cron on BullMQ job schedulers: Redis holds the schedule, so it survives restarts and
 * exactly one worker (of any number of processes) runs each due job.
 */
export class BullCronScheduler implements CronScheduler {
  private readonly connection: Redis;
  private readonly ownsConnection: boolean;
  private readonly queue: Queue<CronJob>;
  private worker: Worker<CronJob> | undefined;

  constructor(private readonly options: BullCronSchedulerOptions) {
    this.ownsConnection = !options.connection;
    this.connection = options.connection ?? openConnection({ url: options.url, onError: options.onError, maxRetriesPerRequest: null });
    this.queue = new Queue<CronJob>(options.queueName ?? QUEUE_NAME, { connection: this.connection, prefix: options.prefix });
    this.queue.on('error', options.onError);
  }

  async list(app: string): Promise<CronJob[]> {
    const all = await this.queue.getJobSchedulers(0, -1, true);
    return all
      .filter((s) => (s.key ?? s.id ?? '').startsWith(`${app}|`) && s.template?.data)
      .map((s) => s.template!.data as CronJob);
  }

  async replace(app: string, jobs: readonly CronJob[]): Promise<void> {
    const wanted = new Set(jobs.map(schedulerId));
    for (const existing of await this.list(app)) {
      if (!wanted.has(schedulerId(existing))) await this.queue.removeJobScheduler(schedulerId(existing));
    }
    for (const job of jobs) {
      await this.queue.upsertJobScheduler(schedulerId(job), { pattern: job.schedule }, {
        name: QUEUE_NAME,
        data: { app: job.app, name: job.name, command: job.command, schedule: job.schedule },
        opts: { removeOnComplete: { count: KEEP_FINISHED }, removeOnFail: { count: KEEP_FINISHED }, attempts: 1 },
      });
    }
  }

  async startWorker(handler: CronHandler, concurrency: number): Promise<void> {
    if (this.worker) throw new Error('BullCronScheduler.startWorker called twice');
    this.worker = new Worker<CronJob>(this.options.queueName ?? QUEUE_NAME, (job) => handler(job.data), {
      connection: this.connection, prefix: this.options.prefix, concurrency,
    });
    this.worker.on('error', this.options.onError);
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    if (this.ownsConnection) await closeConnection(this.connection);
  }
}

export function createBullCronScheduler(options: BullCronSchedulerOptions): CronScheduler {
  return new BullCronScheduler(options);
}
