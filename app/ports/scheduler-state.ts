/** Per-app scheduler settings (table app_scheduler). */
export interface SchedulerSettings {
  /** `docker-local`, `swarm`, or null: the global default (BERTH_SCHEDULER). */
  readonly scheduler: string | null;
  /** Swarm placement constraints, e.g. `node.labels.zone==a`. */
  readonly placement: readonly string[];
}

export interface SchedulerStateStore {
  get(app: string): SchedulerSettings;
  setScheduler(app: string, scheduler: string | null): void;
  setPlacement(app: string, placement: readonly string[]): void;
}
