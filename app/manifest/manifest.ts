import type { ComposePlan } from './compose-plan';

/**
 * What berth takes from an app's app.json (dokku's format), parsed once when the release is
 * built and stored with it (releases.manifest), so a rollback keeps its checks, scripts, cron and
 * formation, and no module reads app.json again.
 */

/** One scheduled command of the app (app.json `cron`). */
export interface CronEntry {
  /** Shown in logs as `cron.<name>`; from the entry's `name`, else its position (1, 2, …). */
  readonly name: string;
  readonly command: string;
  /** 5-field cron expression. */
  readonly schedule: string;
}

export type CheckType = 'startup' | 'liveness' | 'readiness';

/**
 * One check of a process type (app.json `healthchecks.<type>[i]`). An HTTP check requests `path`
 * on the container's address; a command check runs `command` inside the container (exit 0 passes).
 * Either must show `content` in its answer/output when content is set.
 */
export interface HealthCheck {
  readonly type: CheckType;
  readonly name: string;
  /** HTTP path (starts with /), or null for a command check. */
  readonly path: string | null;
  /** argv run inside the container (a string becomes `/bin/sh -c <string>`), or null for an HTTP check. */
  readonly command: readonly string[] | null;
  /** Port an HTTP check requests; null: the port the release listens on. */
  readonly port: number | null;
  readonly content: string | null;
  /** Tries before the check fails (startup/readiness) or the container is restarted (liveness). */
  readonly attempts: number;
  /** Seconds between tries. */
  readonly wait: number;
  /** Seconds one try may take. */
  readonly timeout: number;
  /** Seconds before the first try. */
  readonly initialDelay: number;
  /** A failing startup/readiness check only warns; the deploy goes on. */
  readonly warn: boolean;
}

export interface AppManifest {
  /** Process type → its checks (only types that declare some). */
  readonly healthchecks: Readonly<Record<string, readonly HealthCheck[]>>;
  /** `scripts.dokku.predeploy`: runs in a one-off container of the new image before the switch. */
  readonly predeploy: string | null;
  /** `scripts.dokku.postdeploy`: runs in a one-off container once the release is live. */
  readonly postdeploy: string | null;
  readonly cron: readonly CronEntry[];
  /** Initial process counts (`formation`): used for types the app has no count for yet. */
  readonly formation: Readonly<Record<string, number>>;
  /**
   * A compose app's services (app/compose; docs/compose.md): stored here so a rollback starts
   * the same services. Absent for every other app.
   */
  readonly compose?: ComposePlan | null;
}

export const EMPTY_MANIFEST: AppManifest = Object.freeze({ healthchecks: {}, predeploy: null, postdeploy: null, cron: [], formation: {} });

/** berth's check when the web type declares no startup check: any HTTP answer on `/` within 60 s. */
export const DEFAULT_WEB_CHECK: HealthCheck = Object.freeze({
  type: 'startup', name: 'default', path: '/', command: null, port: null, content: null,
  attempts: 12, wait: 0, timeout: 5, initialDelay: 0, warn: false,
});

/** The checks that gate a process type's new containers (startup, then readiness). */
export function gatingChecks(manifest: AppManifest, processType: string): HealthCheck[] {
  const declared = (manifest.healthchecks[processType] ?? []).filter((c) => c.type !== 'liveness');
  if (declared.some((c) => c.type === 'startup') || processType !== 'web') return declared;
  return [DEFAULT_WEB_CHECK, ...declared];
}

/** Checks that keep running once the containers serve. */
export function livenessChecks(manifest: AppManifest, processType: string): HealthCheck[] {
  return (manifest.healthchecks[processType] ?? []).filter((c) => c.type === 'liveness');
}
