/** The build queue (BullMQ on Redis in infra/redis). Builds of one app run one at a time, in push order. */

export type BuildSourceKind = 'push' | 'image' | 'archive' | 'rollback' | 'config'
  /** Rebuild of the deploy branch's commit (a snapshot from the repo, no ref checks). */
  | 'rebuild'
  /** git:sync and forge webhooks: a commit fetched from a remote repository (source `<sha> <repository>`). */
  | 'sync'
  /** Process operations: no new release; they take the app's turn so they never overlap a deploy. */
  | 'scale' | 'restart' | 'stop' | 'start';

export interface BuildJob extends PushJobFacts {
  readonly buildId: number;
  readonly app: string;
  readonly kind: BuildSourceKind;
}

export interface BuildJobContext {
  /** Aborted when the build is cancelled or times out. */
  readonly signal: AbortSignal;
}

export type BuildHandler = (job: BuildJob, ctx: BuildJobContext) => Promise<void>;

export interface BuildQueue {
  enqueue(job: BuildJob): Promise<void>;
  /** Starts processing with the given concurrency (builds of different apps in parallel). */
  startWorker(handler: BuildHandler, concurrency: number): Promise<void>;
  /** Signals the running job of this build to abort (any process). */
  cancel(buildId: number): Promise<void>;
  /** Number of builds of this app ahead of the given one (the running one included); 0 when it is next or not queued. */
  positionOf(job: BuildJob): Promise<number>;
  /**
   * Drops builds that are no longer live from every app's queue order. Call at start, after a
   * crash, before startWorker: a build that died while running would otherwise block its app.
   */
  prune(isLive: (buildId: number) => boolean | Promise<boolean>): Promise<void>;
  /**
   * Frees the app's build lock at once. After a crash, at worker start, for apps whose running
   * build was marked failed: their next build would otherwise wait out the dead worker's lease.
   */
  releaseApp(app: string): Promise<void>;
  close(): Promise<void>;
}

/** Extra facts a job carries (additive to BuildJob). */
export interface PushJobFacts {
  /** For pushes: the branch's sha when the push began; a build whose branch moved since is superseded. */
  readonly expectedOldSha?: string;
  readonly ref?: string;
  /** For the deploy watch's rollback: it runs only while this release is still the app's live one. */
  readonly whileCurrent?: number;
}
