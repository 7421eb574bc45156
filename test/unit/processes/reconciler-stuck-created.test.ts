import assert from 'node:assert/strict';
import { Reconciler, type ReconcilerDeps } from '../../../app/processes/reconciler';
import { LABEL } from '../../../app/deploys';
import type { ContainerInfo } from '../../../app/ports/container-engine';
import { InMemoryLocks } from '../../support/fakes/locks';
import { InMemoryRouter } from '../../support/fakes/router';

const NET = 'berth-unit';
const release = { app: 'shop', version: 3, port: 5000, processes: { worker: 'run' } };

/** A worker container of the live release that docker created but never started. */
const created: ContainerInfo = {
  id: 'c1', name: 'berth.shop.worker.1.c1', image: 'img', ip: null, state: 'created',
  labels: { [LABEL.app]: 'shop', [LABEL.release]: '3', [LABEL.process]: 'worker', [LABEL.scope]: NET },
};

function fixture(policy: string, o: { engineAway?: () => boolean } = {}) {
  let clock = 1_000_000;
  const removed: string[] = [];
  const started: number[][] = [];
  let containers: ContainerInfo[] = [created];
  const deployer = {
    network: NET,
    isRetiring: () => false,
    resumeRetirements: () => 0,
    containersOf: async () => containers,
    scaleOf: () => ({ worker: 1 }),
    removeAll: async (cs: ContainerInfo[]) => { removed.push(...cs.map((c) => c.id)); containers = containers.filter((c) => !cs.includes(c)); },
    startContainers: async (_r: unknown, _t: string, o: { indices: number[] }) => { if (o.indices.length > 0) started.push(o.indices); return []; },
    retireAndWait: async () => undefined,
    retire: async () => undefined,
    checkHealth: async () => undefined,
    route: async () => undefined,
  };
  // The router has shop's route, as after its deploy.
  const router = new InMemoryRouter();
  router.routes.set('shop', { app: 'shop', domains: [], upstreams: [] });
  const deps = {
    store: { processState: { isStopped: () => false } },
    apps: { list: () => [{ name: 'shop' }], find: () => ({ name: 'shop', restartPolicy: policy }) },
    releases: { current: () => release },
    engine: {
      listContainers: async () => { if (o.engineAway?.()) throw new Error('connect ENOENT /var/run/docker.sock'); return containers; },
      inspectContainer: async () => null,
    },
    router,
    locks: new InMemoryLocks(),
    deployer,
    intervalSeconds: 60,
    now: () => clock,
  } as unknown as ReconcilerDeps;
  return { reconciler: new Reconciler(deps), removed, started, advance: (ms: number) => { clock += ms; }, add: (c: ContainerInfo) => { containers = [...containers, c]; } };
}

describe('reconciler: a container stuck in `created` (dockerd went away between create and start)', () => {
  for (const policy of ['unless-stopped', 'no']) {
    it(`is left alone at first, then replaced once it has been created for 30 s (restart policy ${policy})`, async () => {
      const f = fixture(policy);
      await f.reconciler.pass();
      assert.deepEqual(f.removed, [], 'a container seen created for the first time may be starting');
      assert.deepEqual(f.started, []);
      f.advance(10_000);
      await f.reconciler.pass();
      assert.deepEqual(f.removed, [], 'still within the grace time');
      f.advance(20_000);
      await f.reconciler.pass();
      assert.deepEqual(f.removed, ['c1'], 'stuck for 30 s: removed');
      assert.deepEqual(f.started, [[1]], 'and slot 1 started again');
    });
  }

  it('is replaced at once in the first pass after the engine was away (its start was lost with it), and only then', async () => {
    let away = true;
    const f = fixture('unless-stopped', { engineAway: () => away });
    await assert.rejects(f.reconciler.pass(), /ENOENT/);
    away = false;
    await f.reconciler.pass();
    assert.deepEqual([f.removed, f.started], [['c1'], [[1]]], 'replaced without the 30 s wait');
    // A whole pass ran: a container seen created from now on gets its 30 s again.
    f.add({ ...created, id: 'c2', name: 'berth.shop.worker.1.c2' });
    await f.reconciler.pass();
    assert.deepEqual([f.removed, f.started], [['c1'], [[1]]], 'c2 is left alone');
  });
});
