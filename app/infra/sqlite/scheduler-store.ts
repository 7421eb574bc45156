import type Database from 'better-sqlite3';
import type { SchedulerStateStore } from '../../ports/scheduler-state';

interface Row { scheduler: string | null; placement: string; running_on: string | null }

export function sqliteSchedulerStore(db: Database.Database): SchedulerStateStore {
  return {
    get(app) {
      const row = db.prepare<[string], Row>('SELECT scheduler, placement, running_on FROM app_scheduler WHERE app = ?').get(app);
      return { scheduler: row?.scheduler ?? null, placement: row ? (JSON.parse(row.placement) as string[]) : [], runningOn: row?.running_on ?? null };
    },
    setScheduler(app, scheduler) {
      db.prepare('INSERT INTO app_scheduler (app, scheduler) VALUES (?, ?) ON CONFLICT(app) DO UPDATE SET scheduler = excluded.scheduler')
        .run(app, scheduler);
    },
    setPlacement(app, placement) {
      db.prepare('INSERT INTO app_scheduler (app, placement) VALUES (?, ?) ON CONFLICT(app) DO UPDATE SET placement = excluded.placement')
        .run(app, JSON.stringify(placement));
    },
    setRunningOn(app, scheduler) {
      db.prepare('INSERT INTO app_scheduler (app, running_on) VALUES (?, ?) ON CONFLICT(app) DO UPDATE SET running_on = excluded.running_on')
        .run(app, scheduler);
    },
  };
}
