import type { AppRecord } from '../ports/store';

/**
 * What other modules may read of the apps table, through the apps module's service (AppsService):
 * modules own their tables, so none reads `store.apps` itself.
 */
export interface AppsReader {
  /** The app, or null when none has that name. */
  find(name: string): AppRecord | null;
  list(): AppRecord[];
}
