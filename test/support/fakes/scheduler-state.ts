import type { SchedulerSettings, SchedulerStateStore } from '../../../app/ports/scheduler-state';

/**
 * The scheduler settings port in memory, for unit tests: the apps it knows are the test's (as SQLite's
 * apps table, whose rename and removal the settings follow). It passes test/conformance/scheduler-state.ts.
 */
export class InMemorySchedulerState implements SchedulerStateStore {
  private readonly apps = new Set<string>();
  private readonly rows = new Map<string, SchedulerSettings>();

  addApp(name: string): void { this.apps.add(name); }

  renameApp(from: string, to: string): void {
    this.apps.delete(from);
    this.apps.add(to);
    const row = this.rows.get(from);
    this.rows.delete(from);
    if (row) this.rows.set(to, row);
  }

  removeApp(name: string): void { this.apps.delete(name); this.rows.delete(name); }

  get(app: string): SchedulerSettings {
    const row = this.rows.get(app);
    return row ? { ...row, placement: [...row.placement] } : { scheduler: null, placement: [], runningOn: null };
  }

  setScheduler(app: string, scheduler: string | null): void { this.change(app, { scheduler }); }
  setPlacement(app: string, placement: readonly string[]): void { this.change(app, { placement: [...placement] }); }
  setRunningOn(app: string, scheduler: string): void { this.change(app, { runningOn: scheduler }); }

  private change(app: string, patch: Partial<SchedulerSettings>): void {
    // As SQLite's foreign key to apps(name).
    if (!this.apps.has(app)) throw new Error('FOREIGN KEY constraint failed');
    this.rows.set(app, { ...this.get(app), ...patch });
  }
}
