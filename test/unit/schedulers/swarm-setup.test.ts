import assert from 'node:assert/strict';
import { BerthError } from '../../../app/errors';
import type { EventsService } from '../../../app/events';
import type { ImageRegistry, SwarmEngine } from '../../../app/ports/swarm';
import { SwarmSetup } from '../../../app/schedulers';

/** A fake engine that records what berth asked of it (the real one is in the swarm integration tests). */
function fakes(state: { active: boolean; manager: boolean }) {
  const calls: string[] = [];
  const swarm = {
    async status() { return { ...state, nodeId: state.active ? 'n1' : null }; },
    async init(o: { advertiseAddr?: string }) { calls.push(`init ${o.advertiseAddr ?? '-'}`); state.active = true; state.manager = true; },
    async joinInfo() { return { workerToken: 'SWMTKN-1-abc', managerToken: 'SWMTKN-1-mgr', managerAddr: '10.0.0.5:2377' }; },
  } as unknown as SwarmEngine;
  const registry = { caFile: '/var/lib/berth/registry/auth/ca.crt', async ensureRunning() { calls.push('registry'); return '10.0.0.5:5100'; } } as unknown as ImageRegistry;
  const events = { record(e: { kind: string }) { calls.push(`event ${e.kind}`); } } as unknown as EventsService;
  return { calls, setup: (registryAddr = '10.0.0.5') => new SwarmSetup({ swarm, registry, registryAddr, events }) };
}

const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: BerthError) => e.code);

describe('SwarmSetup (berth swarm:init)', () => {
  it('makes the swarm, records it, starts the registry and answers the join command', async () => {
    const f = fakes({ active: false, manager: false });
    const r = await f.setup().init('10.0.0.5', 'admin');
    assert.deepEqual(f.calls, ['init 10.0.0.5', 'event swarm.changed', 'registry']);
    assert.deepEqual(r, {
      created: true, managerAddr: '10.0.0.5:2377', registry: '10.0.0.5:5100', registryReachable: true, registryCa: '/var/lib/berth/registry/auth/ca.crt',
      joinCommand: 'docker swarm join --token SWMTKN-1-abc 10.0.0.5:2377',
    });
  });

  it('on a swarm it already manages: changes nothing, still starts the registry and answers', async () => {
    const f = fakes({ active: true, manager: true });
    const r = await f.setup('127.0.0.1').init(undefined, 'admin');
    assert.deepEqual(f.calls, ['registry']);
    assert.equal(r.created, false);
    assert.equal(r.registryReachable, false, 'a loopback registry is flagged: other nodes cannot pull from it');
  });

  it('refuses on a worker of another swarm (SWARM_NOT_MANAGER) and a malformed address (INVALID_INPUT), touching nothing', async () => {
    const worker = fakes({ active: true, manager: false });
    assert.equal(await code(worker.setup().init(undefined, 'admin')), 'SWARM_NOT_MANAGER');
    assert.deepEqual(worker.calls, []);
    const f = fakes({ active: false, manager: false });
    for (const bad of ['10.0.0.5; docker swarm leave', '', '-H tcp://evil', 'a'.repeat(101), 5]) {
      assert.equal(await code(f.setup().init(bad, 'admin')), 'INVALID_INPUT', String(bad));
    }
    assert.deepEqual(f.calls, []);
  });

  it('nodes:add answers the worker (or manager) join command and the registry a node trusts; refuses without a swarm and a role it does not know', async () => {
    const f = fakes({ active: true, manager: true });
    assert.deepEqual(await f.setup().addNode(undefined), {
      role: 'worker', managerAddr: '10.0.0.5:2377', registry: '10.0.0.5:5100', registryReachable: true, registryCa: '/var/lib/berth/registry/auth/ca.crt',
      joinCommand: 'docker swarm join --token SWMTKN-1-abc 10.0.0.5:2377',
    });
    assert.equal((await f.setup().addNode('manager')).joinCommand, 'docker swarm join --token SWMTKN-1-mgr 10.0.0.5:2377');
    assert.equal(await code(f.setup().addNode('admin; rm -rf /')), 'INVALID_INPUT');
    assert.equal(await code(fakes({ active: false, manager: false }).setup().addNode(undefined)), 'SWARM_NOT_ACTIVE');
  });
});
