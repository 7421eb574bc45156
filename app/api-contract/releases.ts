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
}

/** `GET /api/v1/apps/:app/releases`, newest first. */
export interface ReleasesListResponse {
  readonly releases: readonly ReleaseView[];
}
