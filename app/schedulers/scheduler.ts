import type { Log } from '../deploys';
import type { ReleaseRecord } from '../ports/store';
import type { OneOffRun } from '../one-off';

export const SCHEDULER_NAMES = ['docker-local', 'swarm'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

export interface DeployOptions {
  readonly signal?: AbortSignal;
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
}

export interface SchedulerStatus {
  readonly scheduler: SchedulerName;
  readonly processes: readonly ProcessStatus[];
}

/**
 * Where and how an app's processes run. `docker-local` is today's Deployer on this host's engine;
 * `swarm` runs one service per process type on a Docker Swarm. One-off commands (`berth run`, cron,
 * deploy scripts) go through `run`; both schedulers hand them to the OneOffRunner on the manager's
 * engine (see SwarmScheduler.run for why). The Procfile's release command is the Deployer's
 * `runReleaseCommand`, also a one-off container on the manager's engine, its output in the push log.
 */
export interface Scheduler {
  readonly name: SchedulerName;
  /** Starts the release, checks its web processes, routes to them, retires what ran before. */
  deploy(release: ReleaseRecord, log: Log, options?: DeployOptions): Promise<void>;
  /** Brings the current release's processes to the app's formation (ps:scale, ps:start). */
  scale(release: ReleaseRecord, log: Log, options?: DeployOptions): Promise<void>;
  /** ps:stop: unroutes, then stops every process of the app. */
  stop(app: string, log: Log): Promise<void>;
  /** Points the router at the app's running web processes (none when stopped). */
  route(app: string): Promise<void>;
  logs(app: string, tail: number): Promise<string>;
  /** A one-off command of the app's release (default: current); resolves with its exit code. */
  run(o: OneOffRun): Promise<number>;
  status(app: string, release: ReleaseRecord | null): Promise<SchedulerStatus>;
  /** Removes everything this scheduler runs for the app (switching away, destroy); leaves the router alone. */
  retire(app: string, log: Log): Promise<void>;
}
