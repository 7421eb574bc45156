import assert from 'node:assert/strict';
import { BerthError } from '../../../app/errors';
import type { EventsService } from '../../../app/events';
import type { LockService } from '../../../app/ports/lock';
import type { SwarmEngine, SwarmNode, SwarmServiceInfo, SwarmTask } from '../../../app/ports/swarm';
import { SwarmNodeOps, SwarmWatcher } from '../../../app/schedulers';
import { nodeMeets } from '../../../app/schedulers/placement';
import { placementProblem } from '../../../app/schedulers/swarm-tasks';
import { nodeChanges } from '../../../app/schedulers/swarm-watcher';

const node = (id: string, o: Partial<SwarmNode> = {}): SwarmNode => ({
  id, hostname: `h-${id}`, role: 'worker', status: 'ready', availability: 'active', addr: `10.0.0.${id.length}`, leader: false, labels: {}, ...o,
});
const task = (id: string, o: Partial<SwarmTask> = {}): SwarmTask => ({
  id, serviceId: 's1', slot: 1, nodeId: 'n2', state: 'running', desiredState: 'running', message: '', error: null, hostPorts: [30001], containerId: 'c', ...o,
});
const service = (o: Partial<SwarmServiceInfo> = {}): SwarmServiceInfo => ({
  id: 's1', name: 'shop-web-abc123', labels: { 'berth.app': 'shop' }, replicas: 2, image: 'r/shop:1', updateState: null, constraints: [], ...o,
});
const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: BerthError) => e.code);
const events = (into: string[]) => ({ record(e: { app: string | null; message: string }) { into.push(`${e.app ?? '-'}: ${e.message}`); } }) as unknown as EventsService;

describe('swarm nodes: placement checks, drain and the node watch', () => {
  it('nodeMeets reads constraints as swarm does (id, hostname, role, labels; == and !=)', () => {
    const n = node('n2', { hostname: 'w1', labels: { zone: 'b' } });
    assert.equal(nodeMeets(n, []), true);
    assert.equal(nodeMeets(n, ['node.labels.zone==b']), true);
    assert.equal(nodeMeets(n, ['node.labels.zone==a']), false);
    assert.equal(nodeMeets(n, ['node.labels.disk!=ssd']), true, 'an absent label is not equal');
    assert.equal(nodeMeets(n, ['node.hostname!=w1']), false);
    assert.equal(nodeMeets(n, ['node.role==worker', 'node.id==n2']), true);
    assert.equal(nodeMeets(n, ['node.role==manager']), false);
  });

  it('placementProblem names the down node and what to do only for tasks swarm cannot place', () => {
    const nodes = [node('n1', { hostname: 'mgr' }), node('n2', { hostname: 'w1', status: 'down' })];
    const stuck = task('t1', { state: 'pending', error: 'no suitable node (scheduling constraints not satisfied on 1 node)', hostPorts: [] });
    assert.equal(placementProblem({ app: 'shop', type: 'web', desired: 2, running: 0, tasks: [stuck, { ...stuck, id: 't2' }], nodes, placement: ['node.labels.zone==b'] }),
      'web is down: 0 of 2 tasks run, swarm cannot place 2 (no suitable node (scheduling constraints not satisfied on 1 node)): its placement (node.labels.zone==b) allows no node that is up; down: w1. Bring the node back, or run them elsewhere: `berth ps:set shop placement none`.');
    assert.equal(placementProblem({ app: 'shop', type: 'web', desired: 2, running: 0, tasks: [task('t1', { state: 'pending', message: 'pending task scheduling' })], nodes, placement: [] }), null, 'merely pending');
    assert.equal(placementProblem({ app: 'shop', type: 'web', desired: 1, running: 1, tasks: [stuck], nodes, placement: [] }), null, 'enough run');
  });

  it('nodeChanges: down, ready again, availability, joined and left, one sentence each', () => {
    const before = new Map([['n1', node('n1')], ['n2', node('n2')], ['n3', node('n3')]]);
    assert.deepEqual(nodeChanges(before, [node('n1', { status: 'down' }), node('n2', { availability: 'drain' }), node('n4')]), [
      'node h-n1 (worker, 10.0.0.2) is down: swarm runs its tasks on the other nodes; apps placed only on it are down until it is back',
      'node h-n2 (worker, 10.0.0.2) is now drain',
      'node h-n4 (worker, 10.0.0.2) joined the swarm',
      'node h-n3 (worker, 10.0.0.2) left the swarm',
    ]);
    assert.deepEqual(nodeChanges(new Map([['n1', node('n1', { status: 'down' })]]), [node('n1')]),
      ['node h-n1 (worker, 10.0.0.2) is ready again: `berth ps:rebalance <app>` spreads an app\'s replicas over it']);
  });

  describe('SwarmNodeOps', () => {
    function fake(o: { pinned?: boolean } = {}) {
      const calls: string[] = [];
      let drained = false;
      const nodes = [node('n1', { hostname: 'mgr', role: 'manager' }), node('n2', { hostname: 'w1', labels: { zone: 'b' } })];
      const svc = service({ constraints: o.pinned ? ['node.labels.zone==b'] : [] });
      const swarm = {
        async status() { return { active: true, manager: true, nodeId: 'n1' }; },
        async findNode(n: string) { const f = nodes.find((x) => x.id === n || x.hostname === n); if (!f) throw new BerthError('NODE_NOT_FOUND'); return f; },
        async nodes() { return nodes; },
        async nodeTasks(id: string) { return id === 'n2' ? [task('t1'), task('t2', { slot: 2 })] : []; },
        async listServices() { return [svc]; },
        async setNodeAvailability(id: string, a: string) { calls.push(`availability ${id} ${a}`); drained = true; return nodes[1]; },
        // Once drained, the tasks run on the manager.
        async tasks() { return drained ? [task('t3', { nodeId: 'n1' }), task('t4', { nodeId: 'n1', slot: 2 })] : [task('t1'), task('t2', { slot: 2 })]; },
        async removeNode(id: string, force: boolean) { calls.push(`remove ${id} force=${force}`); },
      } as unknown as SwarmEngine;
      const recorded: string[] = [];
      const ops = new SwarmNodeOps({ swarm, events: events(recorded), network: 'berth', reroute: async (app) => { calls.push(`route ${app}`); }, pollMs: 1 });
      return { calls, recorded, ops };
    }

    it('drain: sets drain, waits until the service runs elsewhere, re-routes its app, says so', async () => {
      const f = fake();
      const lines: string[] = [];
      await f.ops.drain('w1', (l) => lines.push(l), 'admin');
      assert.deepEqual(f.calls, ['availability n2 drain', 'route shop']);
      assert.deepEqual(lines, [
        '-----> Draining w1: swarm moves the tasks of 1 berth service to the other nodes',
        '       shop-web-abc123: 2 of 2 running on other nodes',
        '-----> w1 runs no berth task; it stays drained (`docker node update --availability active w1` takes work again)',
      ]);
      assert.deepEqual(f.recorded, ['-: node w1 drained']);
    });

    it('drain refuses, changing nothing, when a service\'s placement only this node meets', async () => {
      const f = fake({ pinned: true });
      assert.equal(await code(f.ops.drain('w1', () => undefined, 'admin')), 'NODE_DRAIN_BLOCKED');
      assert.deepEqual(f.calls, []);
    });

    it('remove: refuses the manager berth runs on (and managers), drains a worker, then removes it (by force while it is up)', async () => {
      const f = fake();
      assert.equal(await code(f.ops.remove('mgr', () => undefined, 'admin')), 'NODE_IS_MANAGER');
      assert.equal(await code(f.ops.remove('nope', () => undefined, 'admin')), 'NODE_NOT_FOUND');
      assert.deepEqual(f.calls, []);
      await f.ops.remove('w1', () => undefined, 'admin');
      assert.deepEqual(f.calls, ['availability n2 drain', 'route shop', 'remove n2 force=true']);
    });
  });

  it('SwarmWatcher: a node going down is an event, then every swarm app is re-routed (under its lock) and a pinned app reported once', async () => {
    let nodes = [node('n1', { hostname: 'mgr', role: 'manager' }), node('n2', { hostname: 'w1' })];
    const calls: string[] = [];
    const recorded: string[] = [];
    let problem: string | null = null;
    const swarm = { async status() { return { active: true, manager: true, nodeId: 'n1' }; }, async nodes() { return nodes; } } as unknown as SwarmEngine;
    const locks = { async tryAcquire(key: string) { calls.push(`lock ${key}`); return async () => { calls.push(`unlock ${key}`); }; } } as unknown as LockService;
    let now = 0;
    const watcher = new SwarmWatcher({
      swarm, events: events(recorded), locks, swarmApps: () => ['shop'], now: () => now, settleMs: 60_000,
      reroute: async (app) => { calls.push(`route ${app}`); },
      statusOf: async () => ({ scheduler: 'swarm', processes: [{ type: 'web', desired: 2, running: 0, instances: [], problem }] }),
    });
    assert.equal(await watcher.look(), true);
    assert.deepEqual([calls, recorded], [[], []], 'the first look only learns the nodes');
    nodes = [nodes[0], { ...nodes[1], status: 'down' }];
    problem = 'web is down: …';
    await watcher.look();
    assert.deepEqual(calls, ['lock app:shop', 'route shop', 'unlock app:shop']);
    assert.deepEqual(recorded, [
      '-: node w1 (worker, 10.0.0.2) is down: swarm runs its tasks on the other nodes; apps placed only on it are down until it is back',
      'shop: web is down: …',
    ]);
    await watcher.look();
    assert.equal(recorded.length, 2, 'reported once');
    nodes = [nodes[0], { ...nodes[1], status: 'ready' }];
    problem = null;
    now = 1000;
    await watcher.look();
    assert.deepEqual(recorded.slice(2), ['-: node w1 (worker, 10.0.0.2) is ready again: `berth ps:rebalance <app>` spreads an app\'s replicas over it', 'shop: every process type runs again']);
    calls.length = 0;
    now = 120_000;
    await watcher.look();
    assert.deepEqual(calls, [], 'settled: no node down, nothing reported, a minute passed');
  });

  it('SwarmWatcher: while a node is down, only an app whose tasks changed is re-routed again (a busy lock: tried next look)', async () => {
    let nodes = [node('n1', { hostname: 'mgr', role: 'manager' }), node('n2', { hostname: 'w1' })];
    const swarm = { async status() { return { active: true, manager: true, nodeId: 'n1' }; }, async nodes() { return nodes; } } as unknown as SwarmEngine;
    const routes: string[] = [];
    let busy = '';
    const locks = { async tryAcquire(key: string) { return key === `app:${busy}` ? null : async () => undefined; } } as unknown as LockService;
    const inst = (id: string, address: string) => ({ name: `web.${id}`, node: 'mgr', state: 'running', address, id, release: 3 });
    const tasks: Record<string, ReturnType<typeof inst>[]> = { a: [inst('t1', '10.0.0.2:30001')], b: [inst('t2', '10.0.0.2:30002')], c: [inst('t3', '10.0.0.2:30003')] };
    const watcher = new SwarmWatcher({
      swarm, events: events([]), locks, swarmApps: () => ['a', 'b', 'c'], now: () => 0, settleMs: 60_000,
      reroute: async (app) => { routes.push(app); },
      statusOf: async (app) => ({ scheduler: 'swarm', processes: [{ type: 'web', desired: 1, running: 1, instances: tasks[app] }] }),
    });
    await watcher.look();
    nodes = [nodes[0], { ...nodes[1], status: 'down' }];
    await watcher.look();
    assert.deepEqual(routes, ['a', 'b', 'c'], 'the node change re-routes every app once');
    routes.length = 0;
    await watcher.look();
    await watcher.look();
    assert.deepEqual(routes, [], 'nothing changed: nothing re-routed');
    tasks.b = [inst('t4', '10.0.0.1:30007')];
    tasks.c = [{ ...inst('t3', '10.0.0.2:30003'), state: 'shutdown' }];
    busy = 'c';
    await watcher.look();
    assert.deepEqual(routes, ['b'], 'b\'s task moved; c\'s changed but its lock is busy');
    routes.length = 0;
    busy = '';
    await watcher.look();
    assert.deepEqual(routes, ['c'], 'c, whose lock was busy, is re-routed on the next look');
    routes.length = 0;
    nodes = [nodes[0], { ...nodes[1], status: 'ready' }];
    await watcher.look();
    assert.deepEqual(routes, ['a', 'b', 'c'], 'the node back: every app once more');
  });

  it('SwarmWatcher: a data service on swarm whose task cannot be placed (its node is down) is reported once, and when it runs again', async () => {
    let nodes = [node('n1', { hostname: 'mgr', role: 'manager' }), node('n2', { hostname: 'w1' })];
    let tasks = [task('t1', { nodeId: 'n2' })];
    const recorded: string[] = [];
    const redis = service({ name: 'berth-svc-redis-cache', labels: { 'berth.service.plugin': 'redis', 'berth.service.name': 'cache', 'berth.scope': 'berth-swarm' }, replicas: 1, constraints: ['node.labels.db==here'] });
    const app = service({ name: 'shop-web-abc123', labels: { 'berth.app': 'shop', 'berth.scope': 'berth-swarm' } });
    const swarm = {
      async status() { return { active: true, manager: true, nodeId: 'n1' }; }, async nodes() { return nodes; },
      async listServices(labels: Record<string, string>) { assert.deepEqual(labels, { 'berth.scope': 'berth-swarm' }); return [app, redis]; },
      async tasks(name: string) { assert.equal(name, 'berth-svc-redis-cache', 'an app\'s services are not looked at here'); return tasks; },
    } as unknown as SwarmEngine;
    const locks = { async tryAcquire() { return async () => undefined; } } as unknown as LockService;
    const watcher = new SwarmWatcher({
      swarm, events: events(recorded), locks, swarmApps: () => [], scope: 'berth-swarm',
      reroute: async () => undefined, statusOf: async () => ({ scheduler: 'swarm', processes: [] }),
    });
    await watcher.look();
    nodes = [nodes[0], { ...nodes[1], status: 'down' }];
    tasks = [task('t1', { nodeId: 'n2', desiredState: 'shutdown' }), task('t2', { nodeId: '', state: 'pending', error: 'no suitable node (scheduling constraints not satisfied on 1 node)', hostPorts: [] })];
    await watcher.look();
    await watcher.look();
    nodes = [nodes[0], { ...nodes[1], status: 'ready' }];
    tasks = [task('t2', { nodeId: 'n2' })];
    await watcher.look();
    assert.deepEqual(recorded.filter((r) => r.includes('service ')), [
      '-: service redis/cache is down: swarm cannot place its task (node.labels.db==here); down: w1. Its data volume is on that node: bring the node back.',
      '-: service redis/cache runs again',
    ]);
  });
});
