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
}

/** `GET /api/v1/apps/:app/releases`, newest first. */
export interface ReleasesListResponse {
  readonly releases: readonly ReleaseView[];
}
