import type { ReleaseRecord } from '../ports/store';

/**
 * What other modules may read of the releases table, through the releases module's service
 * (ReleasesService), instead of reading `store.releases` themselves.
 */
export interface ReleasesReader {
  /** The release serving now, or null before the first deploy. */
  current(app: string): ReleaseRecord | null;
  /** Newest first. */
  list(app: string): readonly ReleaseRecord[];
  /** One release by version, or null. */
  get(app: string, version: number): ReleaseRecord | null;
}

/**
 * What the build pipeline (app/builds) may write of the releases table, through ReleasesService:
 * make release vN, drop one that never went live, and mark one live (inside the go-live transaction).
 */
export interface ReleasesWriter extends ReleasesReader {
  create(release: Omit<ReleaseRecord, 'version' | 'createdAt'>): ReleaseRecord;
  remove(app: string, version: number): void;
  setCurrent(app: string, version: number): void;
}
