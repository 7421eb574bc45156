import type { Log } from './pipeline';
import type { AppRecord, ReleaseRecord } from '../ports/store';
import type { OneOffRun } from '../one-off';

export const SCHEDULER_NAMES = ['docker-local', 'swarm'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

export interface DeployOptions {
  readonly signal?: AbortSignal;
}

/** What a deploy step gets: the push/deploy log and the job's abort signal. */
export interface StepContext {
  readonly log: Log;
  readonly signal?: AbortSignal;
  /** The app's record as the pipeline read it once for this run; absent: the scheduler reads it. */
  readonly app?: AppRecord;
}

export interface ProcessStatus {
  readonly type: string;
  readonly desired: number;
  readonly running: number;
  /** One line per container or task: `<node or container> <state> <address>`. */
  readonly instances: readonly {
    readonly name: string; readonly node: string | null; readonly state: string; readonly address: string | null;
    /** Swarm: the task's id and the release its service runs. */
    readonly id?: string; readonly release?: number | null;
  }[];
  /** Swarm: why the type is down and what to do (tasks swarm cannot place, e.g. pinned to a node that is down). */
  readonly problem?: string | null;
}

export interface SchedulerStatus {
  readonly scheduler: SchedulerName;
  readonly processes: readonly ProcessStatus[];
}

/**
 * What a scheduler's `start` made for a release: its own handle (containers, services) that the
 * later steps and the undo of `start` receive back. `made` says what, for the log.
 */
export interface StartedRelease {
  readonly release: ReleaseRecord;
  readonly made: string;
}

/**
 * Where and how an app's processes run: the contract every scheduler implements, as peers
 * (dokku's scheduler-docker-local and scheduler-k3s behind one trigger). The release pipeline
 * (release-pipeline.ts) drives a deploy through the step methods — start, checkHealth, switchTo,
 * retireOld — and undoes `start` with `unstart`; a scheduler never calls another one. One-off
 * commands (`berth run`, cron, deploy scripts, the release command) go through `run`.
 */
export interface Scheduler<S extends StartedRelease = StartedRelease> {
  readonly name: SchedulerName;
  /** Starts the release's processes beside the running ones; nothing is routed to them yet. */
  start(release: ReleaseRecord, ctx: StepContext): Promise<S>;
  /** The undo of `start`: removes what it made; answers what, for the log ("removed 2 containers"). */
  unstart(started: S): Promise<string>;
  /** Runs the startup/readiness checks of what `start` made; throws HEALTHCHECK_FAILED. */
  checkHealth(started: S, ctx: StepContext): Promise<void>;
  /** Points the router at the started web processes (none: the app's "down" page). */
  switchTo(started: S, ctx: StepContext): Promise<void>;
  /** Retires this scheduler's processes of the app that are not the started ones (after the switch). */
  retireOld(started: S, ctx: StepContext): Promise<void>;
  /** Brings the current release's processes to the app's formation (ps:scale, ps:start); answers how many it started. */
  scale(release: ReleaseRecord, log: Log, options?: DeployOptions): Promise<number>;
  /** ps:restart: new processes of these types (every type when empty), healthy before the old ones go; answers how many. */
  restart(release: ReleaseRecord, types: readonly string[], log: Log, options?: DeployOptions): Promise<number>;
  /** ps:stop: unroutes, then stops every process of the app. */
  stop(app: string, log: Log): Promise<void>;
  /** Points the router at the current release's running web processes (none when stopped). */
  route(app: string): Promise<void>;
  logs(app: string, tail: number): Promise<string>;
  /** A one-off command of the app's release (default: current); resolves with its exit code. */
  run(o: OneOffRun): Promise<number>;
  /** The Procfile's `release:` command, once, before the start; throws DEPLOY_FAILED when it fails. */
  runReleaseCommand(release: ReleaseRecord, log: Log): Promise<void>;
  status(app: string, release: ReleaseRecord | null): Promise<SchedulerStatus>;
  /**
   * Removes everything this scheduler runs for the app and leaves the router alone: at once
   * (destroy, rename), or draining as a deploy retires when the app `movedTo` another scheduler.
   */
  retire(app: string, log: Log, o?: { movedTo?: SchedulerName }): Promise<void>;
}
