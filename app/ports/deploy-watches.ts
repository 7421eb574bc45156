/** What a deploy watch does when the new release breaches: roll back to the previous one, or only alert. */
export type WatchAction = 'rollback' | 'watch';

/**
 * `watching` until the window ends (`passed`), the release is replaced (`replaced`: a deploy,
 * a rollback), or a signal breaches (`rolled-back`, or `alerted` when the action is watch only or
 * there is nothing to roll back to).
 */
export type WatchStatus = 'watching' | 'passed' | 'replaced' | 'rolled-back' | 'alerted';

/** One release's watch after its deploy (app/deploys/deploy-watch.ts), kept in SQLite so a restart resumes it. */
export interface DeployWatchRecord {
  readonly app: string;
  readonly version: number;
  /** The release that served before it: what a rollback goes back to (null: the app's first release). */
  readonly previous: number | null;
  readonly action: WatchAction;
  /** ISO times: when the release went live, and when its watch ends. */
  readonly startedAt: string;
  readonly endsAt: string;
  readonly status: WatchStatus;
  /** Why it breached, with the numbers (null while watching or when it passed). */
  readonly reason: string | null;
  /** When the status last changed. */
  readonly updatedAt: string;
}

export interface DeployWatchesStore {
  /** Starts (or restarts) the watch of a release. */
  put(watch: Omit<DeployWatchRecord, 'status' | 'reason' | 'updatedAt'>): void;
  get(app: string, version: number): DeployWatchRecord | null;
  /** Every watch still `watching`, oldest first. */
  active(): DeployWatchRecord[];
  /** The app's watches, newest release first. */
  list(app: string, limit: number): DeployWatchRecord[];
  /**
   * Moves a watch from `watching` to `status` and answers whether this call did it: the one
   * check-and-set that keeps two passes (or two processes) from acting on one breach twice.
   */
  finish(app: string, version: number, status: Exclude<WatchStatus, 'watching'>, reason: string | null, at: string): boolean;
  /** Corrects how a finished watch ended (a rollback that could not be queued only alerted). */
  amend(app: string, version: number, status: Exclude<WatchStatus, 'watching'>, reason: string | null, at: string): void;
}
