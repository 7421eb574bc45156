import assert from 'node:assert/strict';
import { BerthError } from '../../../app/errors';
import { RouterFleet, type RouterFleetDeps } from '../../../app/domains';
import type { EventsService } from '../../../app/events';
import type { RouterServiceSpec } from '../../../app/ports/router-fleet';
import type { ImageRegistry, SwarmEngine } from '../../../app/ports/swarm';

const PASSWORD = 's3cret-redis-password';

/** A RouterFleet over fakes: a swarm manager (node self-1), a registry that names pushes, an engine that records the service. */
function fleet(o: Partial<RouterFleetDeps> & { swarmActive?: boolean; labelled?: string[] } = {}) {
  const upserts: RouterServiceSpec[] = [];
  const lines: string[] = [];
  const removed: string[] = [];
  const swarm = {
    status: async () => ({ active: o.swarmActive ?? true, manager: o.swarmActive ?? true, nodeId: 'self-1' }),
    nodes: async () => (o.labelled ?? []).map((h, i) => ({ id: `n${i}`, hostname: h, labels: { 'berth.router': 'true' } as Record<string, string> }))
      .concat([{ id: 'self-1', hostname: 'berth-host', labels: { 'berth.router': 'true' } }, { id: 'w9', hostname: 'plain', labels: {} }]),
  } as unknown as SwarmEngine;
  const registry = { push: async (image: string) => `127.0.0.1:5100/${image}` } as unknown as ImageRegistry;
  const f = new RouterFleet({
    swarm, registry, events: { record: () => undefined } as unknown as EventsService,
    engine: {
      ensureImage: async () => 'berth/router-agent:0.1.0-abc', upsert: async (s) => { upserts.push(s); },
      remove: async (name) => { removed.push(name); return true; }, tasks: async () => [],
    },
    feedOn: true, agentRedisUrl: `redis://:${PASSWORD}@10.0.0.5:6379`, redisPrefix: 'berth', domain: 'example.test', httpPort: 80, httpsPort: 443, registryAddr: '10.0.0.5',
    ...o,
  });
  return { f, upserts, lines, removed, log: (l: string) => { lines.push(l); } };
}

const refusal = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return (e as BerthError).code;
  }
  return 'none';
};

describe('router:deploy (RouterFleet): the berth-router swarm service', () => {
  it('runs a global service on the nodes labelled berth.router=true but berth\'s own, from the image pushed to berth\'s registry, with the agents\' Redis URL', async () => {
    const { f, upserts, lines, log } = fleet();
    const done = await f.deploy(log, 'admin');
    assert.equal(upserts.length, 1);
    const s = upserts[0];
    assert.equal(s.name, 'berth-router');
    assert.equal(s.image, '127.0.0.1:5100/berth/router-agent:0.1.0-abc');
    assert.deepEqual(s.constraints, ['node.labels.berth.router==true', 'node.id!=self-1']);
    assert.deepEqual(s.env, {
      REDIS_URL: `redis://:${PASSWORD}@10.0.0.5:6379`, BERTH_REDIS_PREFIX: 'berth', BERTH_DOMAIN: 'example.test', BERTH_ROUTER_PORT: '80', BERTH_ROUTER_HTTPS_PORT: '443',
    });
    assert.deepEqual(done.constraints, s.constraints);
    assert.ok(!JSON.stringify(done).includes(PASSWORD) && !lines.join('\n').includes(PASSWORD), 'the password is neither answered nor printed');
  });

  it('says which nodes are labelled (not berth\'s own), or how to label one, and when the nodes cannot pull the image from a loopback registry', async () => {
    const two = fleet({ labelled: ['mgr3', 'mgr2'] });
    await two.f.deploy(two.log, 'admin');
    assert.ok(two.lines.includes('       Labelled: mgr2, mgr3'), two.lines.join('\n'));
    assert.ok(!two.lines.some((l) => l.includes('registry listens')), two.lines.join('\n'));
    const none = fleet({ registryAddr: '127.0.0.1' });
    await none.f.deploy(none.log, 'admin');
    assert.ok(none.lines.includes('       No node is labelled yet: `berth nodes:label <node> berth.router=true` on each node with a public address starts its agent'), none.lines.join('\n'));
    assert.ok(none.lines.includes('       berth\'s registry listens on 127.0.0.1 (BERTH_REGISTRY_ADDR): a node pulls the agent image only if its own 127.0.0.1 reaches it; set BERTH_REGISTRY_ADDR to this host\'s private address (docs/swarm.md)'), none.lines.join('\n'));
  });

  it('refuses a Redis URL on loopback (another node would reach itself), with the feed off, and without a swarm; nothing is deployed', async () => {
    for (const url of ['redis://127.0.0.1:6379', 'redis://:pw@localhost:6379', 'redis://[::1]:6379']) {
      const { f, upserts, log } = fleet({ agentRedisUrl: url });
      assert.equal(await refusal(f.deploy(log, 'admin')), 'ROUTER_REDIS_LOOPBACK', url);
      assert.equal(upserts.length, 0);
    }
    const off = fleet({ feedOn: false });
    assert.equal(await refusal(off.f.deploy(off.log, 'admin')), 'ROUTER_FEED_OFF');
    const lone = fleet({ swarmActive: false });
    assert.equal(await refusal(lone.f.deploy(lone.log, 'admin')), 'SWARM_NOT_ACTIVE');
    assert.equal(await refusal(lone.f.remove('admin')), 'SWARM_NOT_ACTIVE');
    assert.deepEqual([off.upserts.length, lone.upserts.length, lone.removed.length], [0, 0, 0]);
  });

  it('router:remove removes the service', async () => {
    const { f, removed } = fleet();
    assert.equal(await f.remove('admin'), true);
    assert.deepEqual(removed, ['berth-router']);
  });
});
