export type BuildStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A build (push, rebuild, archive, image, config, rollback, or a process operation) as the API shows it. */
export interface BuildView {
  readonly id: number;
  readonly app: string;
  readonly kind: string;
  readonly status: BuildStatus;
  readonly source: string | null;
  /** What it does, in one line ("push 1a2b3c4", "config change", "rollback v3"). */
  readonly description: string;
  readonly user: string | null;
  readonly error: string | null;
  readonly releaseVersion: number | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

/** `GET /api/v1/apps/:app/builds` */
export interface BuildsListResponse {
  readonly builds: readonly BuildView[];
}

/** `GET /api/v1/apps/:app/builds/:id` */
export interface BuildResponse {
  readonly build: BuildView;
}

/** What the routes that queue a build answer (202): the build and how many run before it. */
export interface QueuedBuild {
  readonly build: Omit<BuildView, 'description'> & { readonly description?: string };
  readonly ahead?: number;
}
