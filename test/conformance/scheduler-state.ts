import assert from 'node:assert/strict';
import type { SchedulerStateStore } from '../../app/ports/scheduler-state';

export interface OpenedSchedulerState {
  readonly state: SchedulerStateStore;
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
  close(): void;
}

const DEFAULTS = { scheduler: null, placement: [], runningOn: null };

/**
 * The per-app scheduler settings port (app/ports/scheduler-state.ts: scheduler:set, placement, the
 * scheduler a live release runs on), run against infra/sqlite's table app_scheduler and the unit
 * tests' InMemorySchedulerState, both in test/unit/conformance/scheduler-state.test.ts.
 */
export function schedulerStateConformance(name: string, open: () => OpenedSchedulerState): void {
  describe(`scheduler state conformance: ${name}`, () => {
    let opened: OpenedSchedulerState;
    beforeEach(() => { opened = open(); opened.addApp('shop'); });
    afterEach(() => opened?.close());

    it('an app with nothing set: the default scheduler, no placement, running on none recorded', () => {
      assert.deepEqual(opened.state.get('shop'), DEFAULTS);
    });

    it('each setter changes its own field and keeps the others; null puts the default scheduler back', () => {
      opened.state.setPlacement('shop', ['node.labels.zone==a']);
      opened.state.setScheduler('shop', 'swarm');
      opened.state.setRunningOn('shop', 'swarm');
      assert.deepEqual(opened.state.get('shop'), { scheduler: 'swarm', placement: ['node.labels.zone==a'], runningOn: 'swarm' });
      opened.state.setScheduler('shop', null);
      assert.deepEqual(opened.state.get('shop'), { scheduler: null, placement: ['node.labels.zone==a'], runningOn: 'swarm' });
      opened.state.setRunningOn('shop', 'docker-local');
      assert.deepEqual(opened.state.get('shop'), { scheduler: null, placement: ['node.labels.zone==a'], runningOn: 'docker-local' });
    });

    it('a placement is replaced whole, in its order; an empty one clears it', () => {
      opened.state.setPlacement('shop', ['node.role==worker', 'node.labels.zone==a']);
      opened.state.setPlacement('shop', ['node.labels.zone==b', 'node.role==manager']);
      assert.deepEqual(opened.state.get('shop').placement, ['node.labels.zone==b', 'node.role==manager']);
      opened.state.setPlacement('shop', []);
      assert.deepEqual(opened.state.get('shop'), DEFAULTS);
    });

    it('a missing app\'s settings are refused and nothing is kept', () => {
      assert.throws(() => opened.state.setScheduler('ghost', 'swarm'), /FOREIGN KEY constraint failed/);
      assert.throws(() => opened.state.setPlacement('ghost', ['node.role==worker']), /FOREIGN KEY constraint failed/);
      assert.deepEqual(opened.state.get('ghost'), DEFAULTS);
    });

    it('the settings follow a rename and go with the app (a new app of the name starts from the defaults)', () => {
      opened.state.setScheduler('shop', 'swarm');
      opened.state.setPlacement('shop', ['node.labels.zone==a']);
      opened.renameApp('shop', 'store');
      assert.deepEqual([opened.state.get('store').scheduler, opened.state.get('store').placement, opened.state.get('shop')], ['swarm', ['node.labels.zone==a'], DEFAULTS]);
      opened.removeApp('store');
      opened.addApp('store');
      assert.deepEqual(opened.state.get('store'), DEFAULTS);
    });
  });
}
