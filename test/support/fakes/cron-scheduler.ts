import type { CronHandler, CronJob, CronScheduler } from '../../../app/ports/cron-scheduler';

/**
 * The CronScheduler port in memory, for unit tests: each app's set of jobs, replaced whole. Nothing
 * runs on a clock: a test runs a registered job with `fire`, through the handler startWorker was
 * given. test/conformance/cron-scheduler.ts holds it and BullMQ's job schedulers to one contract.
 */
export class InMemoryCronScheduler implements CronScheduler {
  private readonly jobs = new Map<string, Map<string, CronJob>>();
  private handler: CronHandler | undefined;

  async replace(app: string, jobs: readonly CronJob[]): Promise<void> {
    this.jobs.set(app, new Map(jobs.map((j) => [j.name, { app: j.app, name: j.name, command: j.command, schedule: j.schedule }])));
  }

  async list(app: string): Promise<CronJob[]> {
    return [...(this.jobs.get(app)?.values() ?? [])].map((j) => ({ ...j }));
  }

  async startWorker(handler: CronHandler): Promise<void> {
    if (this.handler) throw new Error('InMemoryCronScheduler.startWorker called twice');
    this.handler = handler;
  }

  async close(): Promise<void> { this.handler = undefined; }

  /** Runs the app's registered job `name` now, as the worker would when it is due. */
  async fire(app: string, name: string): Promise<void> {
    const job = this.jobs.get(app)?.get(name);
    if (!job) throw new Error(`no cron job ${name} of ${app}`);
    if (!this.handler) throw new Error('no worker started');
    await this.handler({ ...job });
  }
}
