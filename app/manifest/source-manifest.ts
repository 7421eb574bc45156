import { parseAppJson } from './app-json';
import { EMPTY_MANIFEST, type AppManifest } from './manifest';
import { parseProcfile } from './procfile';

/**
 * What a release takes from its source's own files, read once when it is built and stored with it
 * (releases.processes, releases.manifest, releases.app_json): nothing reads Procfile or app.json again.
 */
export interface SourceManifest {
  /** Procfile: process type → command (empty when the repo has none). */
  readonly processes: Readonly<Record<string, string>>;
  /** The app.json text (null: none), kept for display only. */
  readonly appJson: string | null;
  /** app.json parsed: checks, scripts, cron (schedules checked), formation. */
  readonly manifest: AppManifest;
}

/** No Procfile and no app.json: an image deploy, or a build whose files were read elsewhere. */
export const EMPTY_SOURCE_MANIFEST: SourceManifest = Object.freeze({ processes: Object.freeze({}), appJson: null, manifest: EMPTY_MANIFEST });

/**
 * Parses the source's Procfile and app.json (with its cron entries): the one place either is
 * parsed. Throws INVALID_PROCFILE / INVALID_APP_JSON saying what to fix, before any build starts.
 */
export function readSourceManifest(read: (path: string) => string | null): SourceManifest {
  const procfile = read('Procfile');
  const appJson = read('app.json');
  return { processes: procfile ? parseProcfile(procfile) : {}, appJson, manifest: parseAppJson(appJson) };
}
