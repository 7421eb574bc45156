import assert from 'node:assert/strict';
import { Reconciler, type ReconcilerDeps } from '../../../app/processes/reconciler';
import { LABEL } from '../../../app/deploys';
import type { ContainerInfo } from '../../../app/ports/container-engine';
import { InMemoryLocks } from '../../support/fakes/locks';
import { InMemoryRouter } from '../../support/fakes/router';

const NET = 'berth-unit';
const release = { app: 'shop', version: 3, port: 5000, processes: { worker: 'run' } };

/** A crashed worker container of the live release (restart policy `no`, so converge leaves it be). */
const crashed = (id: string): ContainerInfo => ({
  id, name: `berth.shop.worker.1.${id}`, image: 'img', ip: null, state: 'exited', restartCount: 1,
  labels: { [LABEL.app]: 'shop', [LABEL.release]: '3', [LABEL.process]: 'worker', [LABEL.scope]: NET },
});

function fixture() {
  let containers: ContainerInfo[] = [];
  const events: string[] = [];
  const crashes: string[] = [];
  const deployer = {
    network: NET,
    isRetiring: () => false,
    resumeRetirements: () => 0,
    containersOf: async () => containers,
    scaleOf: () => ({ worker: 1 }),
    removeAll: async () => undefined,
    startContainers: async () => [],
    retireAndWait: async () => undefined,
    route: async () => undefined,
  };
  // The router has shop's route, as after its deploy.
  const router = new InMemoryRouter();
  router.routes.set('shop', { app: 'shop', domains: [], upstreams: [] });
  const deps = {
    store: { processState: { isStopped: () => false } },
    apps: { list: () => [{ name: 'shop' }], find: () => ({ name: 'shop', restartPolicy: 'no' }) },
    releases: { current: () => release },
    engine: {
      listContainers: async () => containers,
      inspectContainer: async (id: string) => containers.find((c) => c.id === id) ?? null,
    },
    router,
    locks: new InMemoryLocks(),
    deployer,
    intervalSeconds: 60,
    events: { record: (e: { message: string }) => events.push(e.message) },
    onCrash: (app: string, container: string, detail: string) => crashes.push(`${app} ${container} ${detail}`),
  } as unknown as ReconcilerDeps;
  return { reconciler: new Reconciler(deps), events, crashes, set: (c: ContainerInfo[]) => { containers = c; } };
}

describe('reconciler crash memory', () => {
  it('forgets crash history of containers that are gone', async () => {
    const f = fixture();
    f.set([crashed('aaa'), { ...crashed('bbb'), name: 'berth.shop.worker.2.bbb' }]);
    await f.reconciler.pass();
    assert.equal(f.events.length, 2, 'both crashed containers are reported');
    assert.equal(f.reconciler.crashesTracked, 2);

    f.set([crashed('bbb')]);
    await f.reconciler.pass();
    assert.equal(f.reconciler.crashesTracked, 1, 'the removed container is forgotten');
    assert.equal(f.events.length, 2, 'the container still there stays rate-limited');

    f.set([]);
    await f.reconciler.pass();
    assert.equal(f.reconciler.crashesTracked, 0);
  });

  it('tells the notifications of each crash it records (app.crashing), rate-limited alike', async () => {
    const f = fixture();
    f.set([crashed('aaa')]);
    await f.reconciler.pass();
    await f.reconciler.pass();
    assert.deepEqual(f.crashes, ['shop berth.shop.worker.1.aaa is exited (docker restarted it 1 time)']);
  });

  it('stays bounded over many crash-and-replace cycles', async () => {
    const f = fixture();
    for (let i = 0; i < 50; i++) {
      f.set([crashed(`id${i}`)]);
      await f.reconciler.pass();
    }
    assert.equal(f.events.length, 50, 'every new container that crashed was reported');
    assert.equal(f.reconciler.crashesTracked, 1);
  });
});
