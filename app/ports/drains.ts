/**
 * Containers being retired: unrouted, draining their open connections, then stopped. Kept in
 * SQLite so that a berth restart finishes what it started (the reconciler resumes them).
 */
export interface DrainRecord {
  readonly containerId: string;
  readonly app: string;
  readonly name: string;
  /** The port the router sent requests to; null for a process type nothing routes to (no drain). */
  readonly port: number | null;
  /** At most this many seconds of draining after `since` (the app's retire-wait). */
  readonly retireWaitSeconds: number;
  /** SIGTERM to SIGKILL (the app's stop-timeout). */
  readonly stopTimeoutSeconds: number;
  /** When the router stopped sending it requests (ISO time). */
  readonly since: string;
  /** `draining` until SIGTERM is sent, then `stopping` (from `stoppingAt`). */
  readonly phase: 'draining' | 'stopping';
  readonly stoppingAt: string | null;
}

export interface DrainsStore {
  /** Adds the rows (a container already draining keeps its row). */
  add(rows: readonly Omit<DrainRecord, 'phase' | 'stoppingAt'>[]): void;
  list(app?: string): DrainRecord[];
  has(containerId: string): boolean;
  markStopping(containerId: string, at: string): void;
  remove(containerId: string): void;
}

/** Per-app drain settings; null means berth's default (BERTH_RETIRE_WAIT, BERTH_STOP_TIMEOUT). */
export interface DrainSettings {
  readonly retireWaitSeconds: number | null;
  readonly stopTimeoutSeconds: number | null;
}

export interface DrainSettingsStore {
  get(app: string): DrainSettings;
  set(app: string, patch: Partial<DrainSettings>): DrainSettings;
}
