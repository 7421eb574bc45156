/**
 * A rollback job's source, as its build record keeps it: `v7`, or `v7 restore-data` when the
 * database snapshot taken before v8 comes back with v7's code (releases:rollback --restore-data).
 * Written by app/releases, read by the release pipeline (app/builds, app/deploys).
 */
export interface RollbackSource {
  readonly version: number;
  readonly restoreData: boolean;
}

const RESTORE_DATA = 'restore-data';

export function rollbackSource(o: RollbackSource): string {
  return `v${o.version}${o.restoreData ? ` ${RESTORE_DATA}` : ''}`;
}

/** The version and flag of a rollback's source; version NaN when it is not one (an old row's free text). */
export function parseRollbackSource(source: string): RollbackSource {
  const [v, flag] = source.trim().split(/\s+/);
  return { version: Number((v ?? '').replace(/^v/, '')), restoreData: flag === RESTORE_DATA };
}
