import type { AppliedLimits } from './apps';

/**
 * The one status word of an app, the same in the CLI (`ps:report`, `apps:list`), the API and the
 * dashboard. `failed` means the last deploy failed (the release before it may still serve);
 * `not deployed` is an app without a release and without a failed deploy.
 */
export type AppStatusWord = 'running' | 'degraded' | 'crashing' | 'deploying' | 'failed' | 'stopped' | 'not deployed';

export interface ContainerReport {
  readonly name: string;
  readonly id: string;
  readonly state: string;
  readonly release: number | null;
  readonly startedAt: string | null;
  readonly ip: string | null;
  /** Restarts by docker's restart policy since the container was created. */
  readonly restarts: number;
  /** The exit code of its last run (null: not known, e.g. a swarm task). */
  readonly exitCode: number | null;
  /** Swarm tasks: the node it runs on (`ip` is then the `<node address>:<port>` the router uses). */
  readonly node?: string | null;
  /** Its memory limit as docker holds it (HostConfig.Memory) in MiB; null: none, or not known (swarm). */
  readonly memoryLimitMb?: number | null;
}

export interface ProcessReport {
  readonly type: string;
  readonly desired: number;
  readonly running: number;
  readonly containers: ContainerReport[];
  /** Swarm: why the type is down and what to do (e.g. its placement allows only a node that is down). */
  readonly problem?: string;
}

export interface CrashReport {
  readonly container: string;
  readonly process: string;
  readonly state: string;
  readonly exitCode: number | null;
  readonly restarts: number;
  readonly lastLines: readonly string[];
}

/** The failed last deploy: its job (the log is `GET /api/v1/apps/<app>/builds/<id>/log`) and why. */
export interface FailedDeploy {
  readonly build: number;
  readonly kind: string;
  readonly error: string | null;
  readonly at: string;
}

/** What `GET /api/v1/apps/:app/ps` answers (`{ report }`) and `ps:report` shows. */
export interface AppProcessReport {
  readonly app: string;
  /** Where the processes run: containers on this host, or tasks of swarm services. */
  readonly scheduler: 'docker-local' | 'swarm';
  readonly status: AppStatusWord;
  readonly release: number | null;
  readonly restartPolicy: string;
  /** The app's own resource:limit settings (null: not set). */
  readonly memoryMb: number | null;
  readonly cpus: number | null;
  /** The limits that apply (the app's own, else berth's default); the CLI and dashboard show these. */
  readonly applied: AppliedLimits;
  readonly processes: ProcessReport[];
  /** Containers of the live release that are crashing: down, being restarted, or restarted within the last minute. */
  readonly crashing: string[];
  /** The crashing containers with the exit code of their last run and their last lines. */
  readonly crashes: CrashReport[];
  /** The last deploy, when it failed (its build id leads to its log). */
  readonly failedDeploy: FailedDeploy | null;
  /** `ps:set` retire-wait and stop-timeout in force, in seconds. */
  readonly retireWait: number;
  readonly stopTimeout: number;
  /**
   * Old containers being retired: unrouted and draining their open connections (`connections`,
   * counted now; null when not counted), or stopping (SIGTERM sent).
   */
  readonly draining: { name: string; phase: 'draining' | 'stopping'; since: string; connections: number | null }[];
}

export interface ProcessReportResponse {
  readonly report: AppProcessReport;
}

/** `GET /api/v1/apps/:app/ps/scale`: every process type of the live release with its count. */
export interface ScaleResponse {
  readonly scale: Readonly<Record<string, number>>;
}

/** `POST /api/v1/apps/:app/ps/scale` (answered 202 with the queued job). */
export interface ScaleRequest {
  readonly scale: Readonly<Record<string, number>>;
}

/** `PATCH /api/v1/apps/:app/ps`: any of them (seconds; null restores berth's default). */
export interface PsSettingsRequest {
  readonly restartPolicy?: string;
  readonly retireWait?: number | string | null;
  readonly stopTimeout?: number | string | null;
}

/** The PATCH's answer: the settings in force. */
export interface PsSettingsResponse {
  readonly restartPolicy: string;
  readonly retireWait: number;
  readonly stopTimeout: number;
}

/** `GET/PATCH /api/v1/apps/:app/resources` (`{ resources }`). */
export interface ResourcesView {
  readonly memoryMb: number | null;
  readonly cpus: number | null;
  readonly applied: AppliedLimits;
}

export interface ResourcesResponse {
  readonly resources: ResourcesView;
}

/** `PATCH /api/v1/apps/:app/resources`: "512m", "0.5"; "0" clears a limit. */
export interface ResourcesRequest {
  readonly memory?: string;
  readonly cpus?: string;
}
