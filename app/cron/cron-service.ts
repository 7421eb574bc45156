import type { CronJob, CronScheduler } from '../ports/cron-scheduler';
import type { ReleaseRecord, Store } from '../ports/store';
import type { OneOffRun } from '../one-off';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesReader } from '../releases/releases-reader';

/**
 * app.json `cron` entries: registered as the release goes live (replacing the previous
 * release's set); each run is a one-off container of the app's current release, its output in
 * the app's logs as `cron.<name>`. `runner` is the app's scheduler's `run` (Scheduler.run).
 */
export class CronService {
  constructor(private readonly deps: { apps: AppsReader; releases: ReleasesReader; scheduler: CronScheduler; runner: { run(o: OneOffRun): Promise<number> }; log?: (line: string) => void }) {}

  async activate(release: ReleaseRecord): Promise<void> {
    const entries = release.manifest.cron;
    await this.deps.scheduler.replace(release.app, entries.map((e) => ({ app: release.app, ...e })));
  }

  list(app: string): Promise<CronJob[]> {
    return this.deps.scheduler.list(app);
  }

  async forget(app: string): Promise<void> {
    await this.deps.scheduler.replace(app, []);
  }

  /** Runs due jobs in this process (the worker role). */
  async startWorker(concurrency: number): Promise<void> {
    await this.deps.scheduler.startWorker(this.handle, concurrency);
  }

  /** Entries with a run in progress in this worker: a run that outlasts its interval is not doubled. */
  private readonly running = new Set<string>();

  readonly handle = async (job: CronJob): Promise<void> => {
    const release = this.deps.apps.find(job.app) ? this.deps.releases.current(job.app) : null;
    // The app was destroyed (or never went live again): its schedule goes with it.
    if (!release) return this.forget(job.app);
    // One run per entry at a time, so a slow command cannot pile up a container a minute.
    const key = `${job.app}/${job.name}`;
    if (this.running.has(key)) { this.deps.log?.(`cron ${key} skipped: its previous run is still going`); return; }
    this.running.add(key);
    try {
      const code = await this.deps.runner.run({ app: job.app, release, command: job.command, kind: 'cron', tag: `cron.${job.name}` });
      if (code !== 0) this.deps.log?.(`cron ${key} exited with code ${code}`);
    } finally {
      this.running.delete(key);
    }
  };
}
