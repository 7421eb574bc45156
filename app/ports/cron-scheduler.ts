/** Repeating jobs (app.json cron). infra/redis implements it with BullMQ job schedulers. */

export interface CronJob {
  readonly app: string;
  /** The entry's name: its runs show in logs as `cron.<name>`. */
  readonly name: string;
  readonly command: string;
  /** 5-field cron expression. */
  readonly schedule: string;
}

export type CronHandler = (job: CronJob) => Promise<void>;

export interface CronScheduler {
  /** Makes `jobs` the app's whole set: new ones added, changed ones updated, the rest removed. */
  replace(app: string, jobs: readonly CronJob[]): Promise<void>;
  /** The app's registered jobs. */
  list(app: string): Promise<CronJob[]>;
  /** Runs due jobs in this process (the worker). */
  startWorker(handler: CronHandler, concurrency: number): Promise<void>;
  close(): Promise<void>;
}
