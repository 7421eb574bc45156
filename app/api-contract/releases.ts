/** A release as `GET /api/v1/apps/:app/releases` lists it (config values hidden from viewers). */
export interface ReleaseView {
  readonly version: number;
  readonly image: string;
  readonly gitSha: string | null;
  readonly description: string;
  readonly user: string | null;
  readonly createdAt: string;
  readonly current: boolean;
  readonly processes: Readonly<Record<string, string>>;
  readonly config: Readonly<Record<string, string>>;
  /** The data snapshot taken before this release's release command (null: none); `--restore-data` to the release before brings it back. */
  readonly snapshot: {
    readonly services: ReadonlyArray<{ readonly plugin: string; readonly service: string; readonly size: number }>;
    readonly size: number;
    readonly createdAt: string;
  } | null;
  /** Its watch after its deploy (`deploy-watch:*`): null when it was not watched (a rollback, watching off, older releases). */
  readonly watch: ReleaseWatchView | null;
}

/** How a release's deploy watch stands or ended; `reason` says why it breached, with the numbers. */
export interface ReleaseWatchView {
  readonly status: 'watching' | 'passed' | 'replaced' | 'rolled-back' | 'alerted';
  readonly reason: string | null;
  readonly endsAt: string;
}

/** `GET /api/v1/apps/:app/releases`, newest first. */
export interface ReleasesListResponse {
  readonly releases: readonly ReleaseView[];
}

/** What a rollback would do: the release it goes back to, which config vars change (names only: viewers read it), and the data it restores. */
export interface RollbackPlanView {
  readonly from: number;
  readonly to: number;
  readonly description: string;
  readonly config: { readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly string[] };
  /** With `restoreData`: the snapshot taken before `before` (the release after the target), per service. */
  readonly data?: {
    readonly before: number;
    readonly createdAt: string;
    readonly services: ReadonlyArray<{ readonly plugin: string; readonly service: string; readonly size: number; readonly apps: readonly string[] }>;
  };
}

/** `GET /api/v1/apps/:app/releases/rollback?version=3&restoreData=true` */
export interface RollbackPlanResponse {
  readonly plan: RollbackPlanView;
}

/** `POST /api/v1/apps/:app/releases/rollback` (202, the queued build) */
export interface RollbackRequest {
  readonly version?: number | string;
  readonly restoreData?: boolean;
}
