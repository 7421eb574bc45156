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
