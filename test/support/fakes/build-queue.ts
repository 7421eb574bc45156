import { BerthError } from '../../../app/errors';
import type { BuildHandler, BuildJob, BuildQueue } from '../../../app/ports/build-queue';

/**
 * The BuildQueue port in memory, for unit tests: builds of one app one at a time in enqueue order,
 * different apps in parallel up to the worker's concurrency, cancel, positions, prune. It passes
 * the same conformance suite as BullMQ's (test/conformance/build-queue.ts). Without startWorker
 * nothing runs: a test hands a job to its runner itself (`jobs.at(-1)`).
 */
export class InMemoryBuildQueue implements BuildQueue {
  /** Every job enqueued, in order, as the worker would get it. */
  readonly jobs: BuildJob[] = [];
  /** Build ids cancel() was asked for, in order. */
  readonly cancelled: number[] = [];
  /** Apps releaseApp() was asked for, in order. */
  readonly released: string[] = [];
  /** Build ids prune() dropped from their app's order. */
  readonly pruned: number[] = [];
  /** What handlers threw (BullMQ logs a failed job and goes on; so does this). */
  readonly failures: Error[] = [];

  /** Per app: the build ids not yet finished, in enqueue order (the running one first). */
  private readonly order = new Map<string, number[]>();
  private readonly waiting = new Map<number, BuildJob>();
  private readonly running = new Map<number, AbortController>();
  private readonly cancelRequested = new Set<number>();
  private readonly idle: Array<() => void> = [];
  private handler: BuildHandler | null = null;
  private concurrency = 0;
  private closed = false;

  async enqueue(job: BuildJob): Promise<void> {
    const copy: BuildJob = { ...job };
    this.jobs.push(copy);
    this.order.set(job.app, [...(this.order.get(job.app) ?? []), job.buildId]);
    this.waiting.set(job.buildId, copy);
    this.pump();
  }

  async startWorker(handler: BuildHandler, concurrency: number): Promise<void> {
    if (this.handler) throw new Error('InMemoryBuildQueue.startWorker called twice');
    this.handler = handler;
    this.concurrency = concurrency;
    this.pump();
  }

  async cancel(buildId: number): Promise<void> {
    this.cancelled.push(buildId);
    this.cancelRequested.add(buildId);
    this.running.get(buildId)?.abort(cancelledError(buildId));
  }

  async positionOf(job: BuildJob): Promise<number> {
    return Math.max(0, (this.order.get(job.app) ?? []).indexOf(job.buildId));
  }

  async prune(isLive: (buildId: number) => boolean | Promise<boolean>): Promise<void> {
    for (const [app, ids] of this.order) {
      const kept: number[] = [];
      for (const id of ids) {
        if (await isLive(id)) kept.push(id);
        else { this.pruned.push(id); this.waiting.delete(id); }
      }
      this.order.set(app, kept);
    }
    this.pump();
  }

  /** In memory there is no lease a dead worker could hold: only recorded. */
  async releaseApp(app: string): Promise<void> {
    this.released.push(app);
  }

  /** Waits for running builds to finish; nothing starts after. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running.size) await new Promise<void>((r) => this.idle.push(r));
  }

  /** Starts every app's head build that is waiting, while there is room. */
  private pump(): void {
    if (!this.handler || this.closed) return;
    for (const ids of this.order.values()) {
      if (this.running.size >= this.concurrency) return;
      const head = ids[0];
      const job = head === undefined ? undefined : this.waiting.get(head);
      if (job && !this.running.has(head!)) void this.run(job, this.handler);
    }
  }

  private async run(job: BuildJob, handler: BuildHandler): Promise<void> {
    const controller = new AbortController();
    this.waiting.delete(job.buildId);
    this.running.set(job.buildId, controller);
    if (this.cancelRequested.has(job.buildId)) controller.abort(cancelledError(job.buildId));
    try {
      await handler(job, { signal: controller.signal });
    } catch (e) {
      this.failures.push(e as Error);
    } finally {
      this.running.delete(job.buildId);
      this.cancelRequested.delete(job.buildId);
      this.order.set(job.app, (this.order.get(job.app) ?? []).filter((id) => id !== job.buildId));
      this.idle.splice(0).forEach((wake) => wake());
      this.pump();
    }
  }
}

function cancelledError(buildId: number): BerthError {
  return new BerthError('BUILD_CANCELLED', `Build ${buildId} was cancelled.`);
}
