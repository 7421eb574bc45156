/**
 * Log drains, deploy watches, the server file (`berth export` / `berth apply`) and the metrics
 * history: what runs around an app rather than in it.
 */

/** A log drain: where an app's (or, global, every app's) output goes; a viewer sees only scheme, host and port. */
export interface LogDrainView {
  readonly id: number;
  /** null: global. */
  readonly app: string | null;
  /** The URL with any password hidden. */
  readonly url: string;
  readonly createdAt: string;
  /** null when this process does not run the drain yet (just added). */
  readonly status: {
    readonly state: 'connecting' | 'connected' | 'down';
    readonly delivered: number;
    /** Lines dropped, oldest first, while the buffer was full. */
    readonly dropped: number;
    readonly buffered: number;
    readonly lastError: string | null;
    readonly lastDeliveredAt: string | null;
  } | null;
}

/** `GET /api/v1/apps/:app/log-drains`, `GET /api/v1/log-drains` */
export interface LogDrainsResponse {
  readonly drains: readonly LogDrainView[];
}

/** `POST` / `DELETE` `…/log-drains` `{ url }` (DELETE: the URL or the drain's id) */
export interface LogDrainRequest {
  readonly url: string;
}

/** `POST …/log-drains` (201) */
export interface LogDrainAddedResponse {
  readonly drain: LogDrainView;
}

/** `DELETE …/log-drains` */
export interface LogDrainRemovedResponse {
  readonly removed: LogDrainView;
}

/** What berth watches after each deploy of the app. */
export interface WatchSettingsView {
  /** Seconds the new release is watched after it went live; 0: deploys are not watched. */
  readonly window: number;
  readonly action: 'rollback' | 'watch';
  readonly restarts: number;
  readonly unhealthy: number;
  /** Share of the router's answers that were 5xx, breached when above it … */
  readonly errorRate: number;
  /** … over at least this many requests. */
  readonly minRequests: number;
}

/** One release's watch after its deploy. */
export interface DeployWatchView {
  readonly app: string;
  readonly version: number;
  /** The release a rollback goes back to (null: the app's first release). */
  readonly previous: number | null;
  readonly action: 'rollback' | 'watch';
  readonly startedAt: string;
  readonly endsAt: string;
  readonly status: 'watching' | 'passed' | 'replaced' | 'rolled-back' | 'alerted';
  /** Why it breached, with the numbers (null while watching or when it passed). */
  readonly reason: string | null;
  readonly updatedAt: string;
}

/** `GET /api/v1/apps/:app/deploy-watch` */
export interface DeployWatchResponse {
  readonly settings: WatchSettingsView;
  readonly watches: readonly DeployWatchView[];
}

/** `PATCH /api/v1/apps/:app/deploy-watch` `{ settings: { window?: "5m", action?, restarts?, unhealthy?, "5xx-rate"?, "min-requests"? } | null }` */
export interface DeployWatchRequest {
  readonly settings: Readonly<Record<string, string | number | null>> | null;
}

/** The settings in force after the change. */
export interface DeployWatchSettingsResponse {
  readonly settings: WatchSettingsView;
}

/** `POST /api/v1/server/export` `{ passphrase?, includeSecrets? }` */
export interface ServerExportRequest {
  readonly passphrase?: string;
  readonly includeSecrets?: boolean;
}

/** The server as berth.yaml text. */
export interface ServerExportResponse {
  readonly yaml: string;
}

/** `POST /api/v1/server/apply` `{ file, passphrase?, dryRun? }` */
export interface ServerApplyRequest {
  readonly file: string;
  readonly passphrase?: string;
  readonly dryRun?: boolean;
}

/** The diff in the order the changes are (or would be) made; empty: the server matches the file. */
export interface ServerApplyResponse {
  readonly changes: readonly string[];
  readonly applied: boolean;
}

/** One process type's series in the metrics history; one value per bucket, null: no sample. */
export interface ProcessSeriesView {
  readonly process: string;
  /** Percent of one CPU. */
  readonly cpu: ReadonlyArray<number | null>;
  /** Bytes. */
  readonly memory: ReadonlyArray<number | null>;
  /** The limit at the latest sample, bytes; null: none. */
  readonly memoryLimit: number | null;
  readonly restarts: ReadonlyArray<number | null>;
}

/** Requests over the whole range; latency percentiles in milliseconds (null: no request). */
export interface RequestTotalsView {
  readonly requests: number;
  readonly s2xx: number; readonly s3xx: number; readonly s4xx: number; readonly s5xx: number;
  readonly p50: number | null; readonly p95: number | null;
}

/** `GET /api/v1/apps/:app/metrics?range=1h|24h|7d` (and the dashboard's metrics.json). */
export interface MetricsHistoryResponse {
  readonly app: string;
  readonly range: '1h' | '24h' | '7d';
  /** Bucket width in seconds. */
  readonly step: number;
  /** Bucket starts, epoch seconds; every series has one value per entry. */
  readonly t: readonly number[];
  readonly processes: readonly ProcessSeriesView[];
  readonly requests: {
    /** Requests per second over each bucket. */
    readonly rate: readonly number[];
    readonly s2xx: readonly number[]; readonly s3xx: readonly number[]; readonly s4xx: readonly number[]; readonly s5xx: readonly number[];
    readonly p50: ReadonlyArray<number | null>;
    readonly p95: ReadonlyArray<number | null>;
    readonly total: RequestTotalsView;
  };
}
