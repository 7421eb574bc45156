import type { BuildRecord } from '../ports/store';
import type { AppStatusWord, CrashReport, FailedDeploy } from '../api-contract';

/** The one status word, crash and failed-deploy shapes are the API contract's (app/api-contract/processes.ts). */
export type { AppStatusWord, CrashReport, FailedDeploy };

export const APP_STATUS_WORDS: readonly AppStatusWord[] = ['running', 'degraded', 'crashing', 'deploying', 'failed', 'stopped', 'not deployed'];

/** Jobs that make a release: their last one failing is a failed deploy (scale, restart, … are not). */
const DEPLOY_KINDS: ReadonlySet<string> = new Set(['push', 'image', 'archive', 'rollback', 'config', 'rebuild', 'sync']);
const LIVE: ReadonlySet<string> = new Set(['queued', 'running']);

export interface StatusFacts {
  readonly release: number | null;
  /** `ps:stop` is in force. */
  readonly stopped: boolean;
  /** The app's recent jobs, newest first (a queued or running one makes it `deploying`). */
  readonly builds: readonly BuildRecord[];
  /** Containers of the live release that crash (down, restarting, or restarted within the last minute). */
  readonly crashing: number;
  /** Fewer running than desired for some process type. */
  readonly degraded: boolean;
}

/** The newest deploy job (push, rollback, config change…) when it failed: nothing has deployed since. */
export function failedDeployOf(builds: readonly BuildRecord[]): BuildRecord | null {
  const last = builds.find((b) => DEPLOY_KINDS.has(b.kind) && !LIVE.has(b.status) && b.status !== 'cancelled');
  return last?.status === 'failed' ? last : null;
}

/**
 * Which word wins when several hold: a job in progress (deploying); no release (failed or not
 * deployed); stopped on purpose; crashing containers (the app is down or flapping now); a failed
 * last deploy (the old release still serves); fewer containers than wanted (degraded); running.
 */
export function statusWord(f: StatusFacts): AppStatusWord {
  if (f.builds.some((b) => LIVE.has(b.status))) return 'deploying';
  const failed = failedDeployOf(f.builds) !== null;
  if (f.release === null) return failed ? 'failed' : 'not deployed';
  if (f.stopped) return 'stopped';
  if (f.crashing > 0) return 'crashing';
  if (failed) return 'failed';
  if (f.degraded) return 'degraded';
  return 'running';
}

export interface AppStatus {
  readonly app: string;
  readonly status: AppStatusWord;
  readonly release: number | null;
  readonly crashes: readonly CrashReport[];
  readonly failedDeploy: FailedDeploy | null;
}

export function failedDeployView(builds: readonly BuildRecord[]): FailedDeploy | null {
  const b = failedDeployOf(builds);
  return b ? { build: b.id, kind: b.kind, error: b.error, at: b.finishedAt ?? b.createdAt } : null;
}
