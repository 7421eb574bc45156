/** Per-app scheduler settings (table app_scheduler). */
export interface SchedulerSettings {
  /** `docker-local`, `swarm`, or null: the global default (BERTH_SCHEDULER). */
  readonly scheduler: string | null;
  /** Swarm placement constraints, e.g. `node.labels.zone==a`. */
  readonly placement: readonly string[];
  /** The scheduler the app's live release was deployed on; null: none recorded. */
  readonly runningOn: string | null;
}

export interface SchedulerStateStore {
  get(app: string): SchedulerSettings;
  setScheduler(app: string, scheduler: string | null): void;
  setPlacement(app: string, placement: readonly string[]): void;
  setRunningOn(app: string, scheduler: string): void;
}
