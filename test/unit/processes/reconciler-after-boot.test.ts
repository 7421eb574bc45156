import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Reconciler, type ReconcilerDeps } from '../../../app/processes/reconciler';
import { bootedSinceLastStart } from '../../../app/boot/boot-marker';
import { LABEL } from '../../../app/deploys';
import type { ContainerInfo } from '../../../app/ports/container-engine';
import { InMemoryLocks } from '../../support/fakes/locks';
import { InMemoryRouter } from '../../support/fakes/router';
import { waitFor } from '../../support/poll';

const NET = 'berth-unit';
const release = { app: 'shop', version: 3, port: 5000, processes: { worker: 'run' } };
const exited = (id: string): ContainerInfo => ({
  id, name: `berth.shop.worker.1.${id}`, image: 'img', ip: null, state: 'exited',
  labels: { [LABEL.app]: 'shop', [LABEL.release]: '3', [LABEL.process]: 'worker', [LABEL.scope]: NET },
});

/** shop (restart policy `no`) with one worker container that is down, as after a boot. */
function fixture(o: { intervalSeconds?: number; engineAway?: () => boolean; appFails?: () => boolean } = {}) {
  const removed: string[] = [];
  const started: number[][] = [];
  let containers: ContainerInfo[] = [exited('c1')];
  const deployer = {
    network: NET,
    isRetiring: () => false,
    resumeRetirements: () => 0,
    containersOf: async () => { if (o.appFails?.()) throw new Error('connect ENOENT /var/run/docker.sock'); return containers; },
    scaleOf: () => ({ worker: 1 }),
    removeAll: async (cs: ContainerInfo[]) => { removed.push(...cs.map((c) => c.id)); containers = containers.filter((c) => !cs.includes(c)); },
    startContainers: async (_r: unknown, _t: string, o: { indices: number[] }) => { if (o.indices.length > 0) started.push(o.indices); return []; },
    retireAndWait: async () => undefined,
    retire: async () => undefined,
    checkHealth: async () => undefined,
    route: async () => undefined,
  };
  const router = new InMemoryRouter();
  router.routes.set('shop', { app: 'shop', domains: [], upstreams: [] });
  const deps = {
    store: { processState: { isStopped: () => false } },
    apps: { list: () => [{ name: 'shop' }], find: () => ({ name: 'shop', restartPolicy: 'no' }) },
    releases: { current: () => release },
    engine: {
      listContainers: async () => { if (o.engineAway?.()) throw new Error('connect ENOENT /var/run/docker.sock'); return containers; },
      inspectContainer: async () => null,
    },
    router,
    locks: new InMemoryLocks(),
    deployer,
    intervalSeconds: o.intervalSeconds ?? 3600,
  } as unknown as ReconcilerDeps;
  return { reconciler: new Reconciler(deps), removed, started, downAgain: () => { containers = [exited('c2')]; } };
}

describe('reconciler after a host boot: what ran before starts again whatever its restart policy', () => {
  it('without a boot, a `no` container that is down stays down', async () => {
    const f = fixture();
    f.reconciler.start(() => undefined);
    await f.reconciler.stop();
    assert.deepEqual([f.removed, f.started], [[], []]);
  });

  it('after a boot the first pass replaces it; a later crash is docker\'s policy\'s again', async () => {
    const f = fixture();
    const lines: string[] = [];
    f.reconciler.start((l) => lines.push(l), { afterBoot: true });
    await f.reconciler.stop();
    assert.deepEqual([f.removed, f.started], [['c1'], [[1]]], lines.join('\n'));
    f.downAgain();
    await f.reconciler.pass();
    assert.deepEqual([f.removed, f.started], [['c1'], [[1]]], 'c2 is left down');
  });
});

describe('reconciler: the pass after a failed one (dockerd restarted under berth) says how long it took', () => {
  it('logs the first pass, the failure, then the next pass with what it started', async () => {
    let passes = 0;
    // Pass 1 works (it replaces shop's down container, after the boot), passes 2 and 3 find no engine,
    // pass 4 lists containers but loses the engine for shop (mid-pass: not a whole pass), pass 5 is whole.
    const f = fixture({ intervalSeconds: 0.001, engineAway: () => { passes++; return passes === 2 || passes === 3; }, appFails: () => passes === 4 });
    const lines: string[] = [];
    f.reconciler.start((l) => lines.push(l), { afterBoot: true });
    await waitFor('the pass after the failed ones', () => lines.some((l) => l.includes('after a failed one')), 10_000).finally(() => f.reconciler.stop());
    const summary = lines.filter((l) => /^reconcile(:| shop: connect)/.test(l)).map((l) => l.replace(/in \d+ ms/, 'in N ms'));
    assert.deepEqual(summary, [
      'reconcile: first pass over 1 apps in N ms',
      'reconcile: connect ENOENT /var/run/docker.sock',
      'reconcile: connect ENOENT /var/run/docker.sock',
      'reconcile shop: connect ENOENT /var/run/docker.sock',
      'reconcile: pass over 1 apps in N ms after a failed one (started 0, removed 0)',
    ]);
  });
});

describe('bootedSinceLastStart: the kernel boot id against the one berth recorded', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-boot-id-'));
  const bootId = path.join(dir, 'boot_id');
  const record = path.join(dir, 'run', 'boot-id');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('no record yet is not a boot; the same id is not; a new id is, once; no boot id file is not', () => {
    fs.writeFileSync(bootId, 'aaa\n');
    assert.equal(bootedSinceLastStart(bootId, record), false, 'first start of a berth that records it');
    assert.equal(fs.readFileSync(record, 'utf8'), 'aaa\n');
    assert.equal(bootedSinceLastStart(bootId, record), false, 'berth restarted, the host did not');
    fs.writeFileSync(bootId, 'bbb\n');
    assert.equal(bootedSinceLastStart(bootId, record), true);
    assert.equal(bootedSinceLastStart(bootId, record), false);
    assert.equal(bootedSinceLastStart(path.join(dir, 'missing'), record), false);
  });
});
