import { BerthError } from '../errors';
import { parseRollbackSource } from '../naming';
import type { BuildJob } from '../ports/build-queue';
import type { BuildRecord, ReleaseRecord } from '../ports/store';
import { step, type Log, type Step } from './pipeline';

/** What the `snapshot` and `restore-data` steps ask of app/snapshots' DataSnapshots. */
export interface DataSnapshotSteps {
  /** The release runs a command that may migrate data (Procfile `release:`, app.json predeploy). */
  migrates(release: ReleaseRecord): boolean;
  /** Snapshots each linked database as the data before `version`; throws SNAPSHOT_FAILED. Answers what it took. */
  take(o: { app: string; version: number; log: Log; why: string }): Promise<readonly unknown[]>;
  discard(app: string, version: number): string;
  /** Keeps the files of `version`'s snapshot under another name, out of the records; answers where, and how to restore them. */
  rescue(app: string, version: number): string;
  /** Imports the snapshot taken before the release after `target`. */
  restore(o: { app: string; target: number; running: number; log: Log; user: string | null }): Promise<{ before: number }>;
  /** Keeps the newest BERTH_SNAPSHOT_KEEP releases' snapshots. */
  prune(app: string, log: Log): void;
  /** Imports the snapshot taken before `version` (the restore's undo: the data as it was before it). */
  importAll(o: { app: string; version: number; log: Log; user: string | null }): Promise<string>;
}

/** The part of a run these steps read and mark. */
interface SnapshotRun {
  readonly job: BuildJob;
  readonly build: BuildRecord;
  readonly log: Log;
  /** Set when the data could not be put back after a failed restore: the snapshot of it must not be deleted. */
  dataAtRisk?: boolean;
}

/** The version a `--restore-data` rollback brings the data of back, else null. */
export const restoreTarget = (r: { job: BuildJob; build: BuildRecord }): number | null => {
  if (r.job.kind !== 'rollback') return null;
  const src = parseRollbackSource(r.build.source);
  return src.restoreData ? src.version : null;
};

/**
 * `snapshot`: before a command that may migrate (or a restore that overwrites) data, a dump of each
 * linked database, recorded with the release, so `releases:rollback --restore-data` can bring this
 * data back; a failed one stops the deploy here. `restore-data` (`--restore-data` rollbacks):
 * imports the snapshot taken before the release after the target. A restore that fails, or is undone
 * by a later failure, imports the data as it was back from the `snapshot` step's dump; when even that
 * fails the dump is kept (renamed, out of the records) instead of deleted, and the log says where.
 */
export function snapshotSteps<R extends SnapshotRun>(snapshots: DataSnapshotSteps | undefined, release: (r: R) => ReleaseRecord): Step<R>[] {
  const need = (): DataSnapshotSteps => {
    if (!snapshots) throw new BerthError('DEPLOY_FAILED', 'internal: the snapshots are missing in the release pipeline');
    return snapshots;
  };
  /** The data as it was before this rollback, back from the `snapshot` step's dump; marks the run when that fails. */
  const putBack = async (r: R, version: number): Promise<string> => {
    try {
      return await need().importAll({ app: release(r).app, version, log: r.log, user: r.build.user });
    } catch (e) {
      r.dataAtRisk = true;
      throw e;
    }
  };
  return [
    step('snapshot', async (r: R) => {
      const rel = release(r);
      const restoring = restoreTarget(r) !== null;
      if (!snapshots || !(restoring || snapshots.migrates(rel))) return undefined;
      const why = restoring ? `before v${rel.version} restores older data` : `before v${rel.version}'s release command`;
      const taken = await snapshots.take({ app: rel.app, version: rel.version, log: r.log, why });
      // A restore still needs the snapshot it brings back: it prunes once done.
      if (!restoring) snapshots.prune(rel.app, r.log);
      return taken.length ? { app: rel.app, version: rel.version } : undefined;
    }, async (t, r) => (r.dataAtRisk ? need().rescue(t.app, t.version) : need().discard(t.app, t.version))),
    step('restore-data', async (r: R) => {
      const rel = release(r);
      const target = restoreTarget(r)!;
      try {
        await need().restore({ app: rel.app, target, running: rel.version, log: r.log, user: r.build.user });
      } catch (e) {
        r.log(`!     Restoring the data of v${target} failed: ${(e as Error).message}`);
        r.log('-----> Putting the data back as it was before this rollback');
        try {
          r.log(`-----> ${await putBack(r, rel.version)}`);
        } catch (again) {
          r.log(`!     Putting the data back failed too: ${(again as Error).message}`);
        }
        throw e;
      }
      need().prune(rel.app, r.log);
      return { app: rel.app, version: rel.version };
    }, async (t, r) => putBack(r, t.version), { when: (r) => restoreTarget(r) !== null }),
  ];
}
