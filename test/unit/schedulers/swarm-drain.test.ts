import assert from 'node:assert/strict';
import { drainSwarmTasks } from '../../../app/schedulers/swarm-drain';

/** A fake clock: each sleep moves it on; counts follow a script by second. */
function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => { t += ms; }, seconds: () => t / 1000 };
}

describe('swarm: old web tasks drain before their services are removed', () => {
  it('ends once the tasks on this host hold no connection (counted, as on docker-local)', async () => {
    const c = clock();
    const how = await drainSwarmTasks({
      containers: async () => ['a', 'b'], port: 5000, retireWaitSeconds: 60, now: c.now, sleep: c.sleep,
      count: async (id) => (id === 'a' && c.seconds() < 3 ? 1 : 0),
    });
    assert.equal(how, 'no open connection left after 3.5 s');
  });

  it('waits the whole retire-wait while a task runs on another node (its connections cannot be counted)', async () => {
    const c = clock();
    const how = await drainSwarmTasks({
      containers: async () => ['local', 'remote'], port: 5000, retireWaitSeconds: 20, now: c.now, sleep: c.sleep,
      count: async (id) => (id === 'local' ? 0 : null),
    });
    assert.equal(how, 'the retire-wait (20 s) passed');
    assert.equal(c.seconds(), 20);
  });

  it('waits the whole retire-wait while connections stay open (an SSE stream)', async () => {
    const c = clock();
    assert.equal(await drainSwarmTasks({
      containers: async () => ['a'], port: 5000, retireWaitSeconds: 7, now: c.now, sleep: c.sleep, count: async () => 1,
    }), 'the retire-wait (7 s) passed');
  });
});
