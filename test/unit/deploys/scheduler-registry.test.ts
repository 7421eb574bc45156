import assert from 'node:assert/strict';
import { SchedulerRegistry, type Scheduler } from '../../../app/deploys';
import type { SchedulerSettings, SchedulerStateStore } from '../../../app/ports/scheduler-state';

/** Two peer schedulers over an in-memory app_scheduler table. */
function setup(defaultScheduler: 'docker-local' | 'swarm' = 'docker-local') {
  const rows = new Map<string, SchedulerSettings>();
  const row = (app: string) => rows.get(app) ?? { scheduler: null, placement: [], runningOn: null };
  const settings: SchedulerStateStore = {
    get: row,
    setScheduler: (app, scheduler) => { rows.set(app, { ...row(app), scheduler }); },
    setPlacement: (app, placement) => { rows.set(app, { ...row(app), placement }); },
    setRunningOn: (app, runningOn) => { rows.set(app, { ...row(app), runningOn }); },
  };
  const local = { name: 'docker-local' } as Scheduler;
  const swarm = { name: 'swarm' } as Scheduler;
  return { registry: new SchedulerRegistry({ schedulers: [local, swarm], settings, defaultScheduler }), settings, local, swarm };
}

describe('the scheduler registry: schedulers are peers chosen per app', () => {
  it("picks the app's own setting, else the default; an unknown name falls back to the default", () => {
    const { registry, settings, local, swarm } = setup('docker-local');
    assert.equal(registry.for('a'), local);
    settings.setScheduler('a', 'swarm');
    assert.equal(registry.for('a'), swarm);
    settings.setScheduler('b', 'k3s');
    assert.equal(registry.nameFor('b'), 'docker-local');
  });

  it('a deploy asks only the scheduler the live release runs on to retire it, and none when it is the same', () => {
    const { registry, swarm } = setup();
    // First deploy: nothing runs anywhere.
    assert.deepEqual(registry.othersRunning('a', 'docker-local', false), []);
    registry.markRunningOn('a', 'docker-local');
    // Redeploys on docker-local ask nobody else (the swarm is not asked).
    assert.deepEqual(registry.othersRunning('a', 'docker-local', true), []);
    registry.markRunningOn('a', 'swarm');
    // Moved back from swarm: the swarm, and only it, retires the app.
    assert.deepEqual(registry.othersRunning('a', 'docker-local', true), [swarm]);
  });

  it('an app deployed before the record existed is retired on every other scheduler once', () => {
    const { registry, local } = setup();
    assert.deepEqual(registry.othersRunning('old', 'swarm', true), [local]);
  });
});
