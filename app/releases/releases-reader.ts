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
}
