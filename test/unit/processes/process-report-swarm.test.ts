import assert from 'node:assert/strict';
import { processReport, type SwarmStatusOf } from '../../../app/processes/process-report';

/** Just what processReport reads for a swarm app: its record, live release, stopped mark and builds. */
function fakeOwners(o: { stopped: boolean; version: number }) {
  return {
    apps: { find: () => ({ name: 'app', restartPolicy: 'unless-stopped', memoryMb: null, cpus: null }) } as never,
    releases: { current: () => ({ app: 'app', version: o.version, processes: { web: '', worker: 'w' } }) } as never,
    store: { processState: { isStopped: () => o.stopped } } as never,
    builds: { list: () => [] },
  };
}

const status = (web: { state: string; release: number }[]): SwarmStatusOf => async () => ({
  processes: [
    {
      type: 'web', desired: 2,
      instances: web.map((w, i) => ({ name: `web.${i + 1}`, node: 'n1', state: w.state, address: `10.0.0.1:${3000 + i}`, id: `task${i}abcdefghijk`, release: w.release })),
    },
  ],
});

describe('ps:report of a swarm app', () => {
  const deps = (s: SwarmStatusOf, stopped = false) => ({ ...fakeOwners({ stopped, version: 3 }), engine: {} as never, deployer: { drainSettingsOf: () => ({ retireWaitSeconds: 60, stopTimeoutSeconds: 30 }), draining: async () => [] } as never, swarmStatusOf: s });

  it('counts running tasks of the live release; each task with node and address', async () => {
    const r = await processReport(deps(status([{ state: 'running', release: 3 }, { state: 'running', release: 3 }])), 'app');
    assert.equal(r.scheduler, 'swarm');
    assert.equal(r.status, 'running');
    assert.deepEqual(r.processes[0].containers[1], {
      name: 'web.2', id: 'task1abcdefg', state: 'running', release: 3, startedAt: null, ip: '10.0.0.1:3001', restarts: 0, exitCode: null, node: 'n1',
    });
  });

  it('is degraded when fewer tasks of the live release run than desired (a retiring release\'s do not count)', async () => {
    const r = await processReport(deps(status([{ state: 'running', release: 3 }, { state: 'running', release: 2 }])), 'app');
    assert.equal(r.processes[0].running, 1);
    assert.equal(r.status, 'degraded');
  });

  it('is stopped after ps:stop', async () => {
    const r = await processReport(deps(status([]), true), 'app');
    assert.equal(r.status, 'stopped');
  });
});
