import assert from 'node:assert/strict';
import { BerthError } from '../../../app/errors';
import { PublishingRouter, RouterAgent, routerRow } from '../../../app/domains';
import type { AppRoute, Router } from '../../../app/ports/router';
import type { RouterAgentState } from '../../../app/ports/route-feed';
import { InMemoryRouter } from '../../support/fakes/router';
import { InMemoryRouteFeed } from '../../support/fakes/route-feed';

const route = (app: string, domain = `${app}.example.test`, port = 5000): AppRoute => ({ app, domains: [domain], upstreams: [{ host: '10.0.0.2', port }] });

/**
 * A manager's nginx, in memory: records each call, holds every apply until `release()` (so a test
 * sees which applies were in flight together: NginxRouter makes those one reload), and refuses
 * the apps in `refuse` as nginx -t would.
 */
class ManagerNginx extends InMemoryRouter {
  readonly calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  readonly refuse = new Set<string>();
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;

  hold(): void { this.gate = new Promise((r) => { this.open = r; }); }
  release(): void { this.open(); }

  override async apply(r: AppRoute): Promise<void> {
    this.calls.push(`apply ${r.app}`);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.gate;
      if (this.refuse.has(r.app)) throw new BerthError('ROUTER_CONFIG_INVALID', `nginx rejected ${r.app}.conf: unknown directive`);
      await super.apply(r);
    } finally {
      this.inFlight -= 1;
    }
  }

  override async remove(app: string): Promise<void> {
    this.calls.push(`remove ${app}`);
    await super.remove(app);
  }
}

describe('routers on the managers: the route feed and the router agent', () => {
  let clock: number;
  const now = () => clock;
  beforeEach(() => { clock = 1_000_000; });

  it('berth publishes a route only once its own nginx took it; an unchanged route makes no new version; a removal is published', async () => {
    const feed = new InMemoryRouteFeed(now);
    const own = new ManagerNginx();
    const berth = new PublishingRouter(own, feed, (e) => { throw e; });
    await berth.apply(route('shop'));
    assert.equal((await feed.head()).version, 1);
    await berth.apply(route('shop')); // the reconciler's pass: same route
    assert.equal((await feed.head()).version, 1);
    own.refuse.add('blog');
    await assert.rejects(berth.apply(route('blog')), (e: BerthError) => e.code === 'ROUTER_CONFIG_INVALID');
    assert.deepEqual(Object.keys((await feed.current()).routes), ['shop']);
    await berth.remove('shop');
    assert.deepEqual(await feed.current(), { version: 2, publishedAt: clock, routes: {} });
  });

  it('a publish that fails (Redis away) does not fail the route change berth made; the next apply of the route publishes it', async () => {
    const feed = new InMemoryRouteFeed(now);
    const publish = feed.publish.bind(feed);
    let redisAway = true;
    feed.publish = async (app, r) => { if (redisAway) throw new Error('connect ECONNREFUSED'); return publish(app, r); };
    const told: string[] = [];
    const own = new ManagerNginx();
    const berth = new PublishingRouter(own, feed, (e) => told.push((e as Error).message));
    await berth.apply(route('shop'));
    assert.deepEqual([[...own.routes.keys()], told, (await feed.head()).version], [['shop'], ['connect ECONNREFUSED'], 0]);
    redisAway = false;
    await berth.apply(route('shop')); // the reconciler's next pass
    assert.deepEqual(Object.keys((await feed.current()).routes), ['shop']);
  });

  it('a removal whose publish failed (Redis away) is published by the reconciler\'s next pass: berth\'s router lists the feed\'s apps too', async () => {
    const feed = new InMemoryRouteFeed(now);
    const publish = feed.publish.bind(feed);
    let redisAway = false;
    feed.publish = async (app, r) => { if (redisAway) throw new Error('connect ECONNREFUSED'); return publish(app, r); };
    const own = new ManagerNginx();
    const berth = new PublishingRouter(own, feed, () => undefined);
    await berth.apply(route('shop'));
    await berth.apply(route('blog'));
    redisAway = true;
    await berth.remove('shop'); // app:destroy while Redis blinks: gone from berth's nginx, still in the feed
    redisAway = false;
    assert.deepEqual([[...own.routes.keys()], await feed.apps()], [['blog'], ['blog', 'shop']]);
    // The reconciler's pass removes what the router lists and berth does not know (reconciler.ts).
    const known = new Set(['blog']);
    for (const app of await berth.listApps()) if (!known.has(app)) await berth.remove(app);
    assert.deepEqual(Object.keys((await feed.current()).routes), ['blog']);
    // The feed away: berth's own apps are still listed (the pass still cleans its nginx).
    feed.apps = async () => { throw new Error('connect ECONNREFUSED'); };
    assert.deepEqual(await berth.listApps(), ['blog']);
  });

  it('an agent applies a version\'s routes all at once (one batch, one reload), serves them, and reports the version', async () => {
    const feed = new InMemoryRouteFeed(now);
    for (const app of ['a', 'b', 'c']) await feed.publish(app, route(app));
    const nginx = new ManagerNginx();
    nginx.hold();
    const agent = new RouterAgent({ feed, router: nginx, name: 'mgr2', nodeId: 'n2', address: '10.0.0.12', now });
    const sync = agent.syncOnce();
    await new Promise((r) => setImmediate(r));
    nginx.release();
    const state = await sync;
    assert.equal(nginx.maxInFlight, 3);
    assert.deepEqual([...nginx.routes.keys()].sort(), ['a', 'b', 'c']);
    assert.deepEqual(state, { name: 'mgr2', nodeId: 'n2', address: '10.0.0.12', version: 3, appliedAt: clock, seenAt: clock, failures: [] });
    assert.deepEqual(feed.states.get('mgr2'), state);
  });

  it('a later version re-applies only what changed, removes what went (and what the agent\'s nginx held from before), and a look without a new version applies nothing', async () => {
    const feed = new InMemoryRouteFeed(now);
    await feed.publish('a', route('a'));
    await feed.publish('b', route('b'));
    const nginx = new ManagerNginx();
    await nginx.apply(route('stale')); // served before the agent started; the feed no longer has it
    nginx.calls.length = 0;
    const agent = new RouterAgent({ feed, router: nginx, name: 'mgr2', nodeId: null, address: '10.0.0.12', now });
    await agent.syncOnce();
    assert.deepEqual(nginx.calls.sort(), ['apply a', 'apply b', 'remove stale']);
    nginx.calls.length = 0;
    clock += 1000;
    await agent.syncOnce();
    assert.deepEqual(nginx.calls, []);
    await feed.publish('a', route('a', 'shop.example.test')); // a domain change
    await feed.publish('b', null);
    clock += 1000;
    const state = await agent.syncOnce();
    assert.deepEqual(nginx.calls.sort(), ['apply a', 'remove b']);
    assert.deepEqual(nginx.routes.get('a')?.domains, ['shop.example.test']);
    assert.equal(state.version, 4);
    assert.equal(state.appliedAt, clock);
  });

  it('a route its nginx refuses is reported with the reason, the rest of the version is served, and the next version tries it again', async () => {
    const feed = new InMemoryRouteFeed(now);
    await feed.publish('a', route('a'));
    await feed.publish('b', route('b'));
    const nginx = new ManagerNginx();
    nginx.refuse.add('b');
    const agent = new RouterAgent({ feed, router: nginx, name: 'mgr2', nodeId: null, address: '10.0.0.12', now });
    let state = await agent.syncOnce();
    assert.equal(state.version, 2);
    assert.deepEqual(state.failures, [{ app: 'b', message: 'nginx rejected b.conf: unknown directive' }]);
    assert.deepEqual([...nginx.routes.keys()], ['a']);
    const row = routerRow(state, await feed.head(), clock);
    assert.equal(row.state, 'failing');
    assert.match(row.problem ?? '', /router mgr2 \(10\.0\.0\.12\): its nginx refused the route of b \(nginx rejected b\.conf: unknown directive\)\. Those apps keep their previous config there/);
    nginx.refuse.clear();
    await feed.publish('c', route('c'));
    nginx.calls.length = 0;
    state = await agent.syncOnce();
    assert.deepEqual(nginx.calls.sort(), ['apply b', 'apply c']);
    assert.deepEqual(state.failures, []);
    assert.equal(routerRow(state, await feed.head(), clock).state, 'current');
  });

  it('the report: silent past 15 s without a look, behind when a version waits for more than 15 s, updating before that', () => {
    const t = 5_000_000;
    const agent = (o: Partial<RouterAgentState>): RouterAgentState => ({ name: 'mgr2', nodeId: null, address: '10.0.0.12', version: 7, appliedAt: t - 60_000, seenAt: t - 1000, failures: [], ...o });
    assert.deepEqual([routerRow(agent({}), { version: 7, publishedAt: t - 60_000 }, t).state, routerRow(agent({}), { version: 7, publishedAt: t - 60_000 }, t).problem], ['current', null]);
    assert.equal(routerRow(agent({}), { version: 8, publishedAt: t - 2000 }, t).state, 'updating');
    const behind = routerRow(agent({}), { version: 9, publishedAt: t - 20_000 }, t);
    assert.equal(behind.state, 'behind');
    assert.equal(behind.problem, 'router mgr2 (10.0.0.12) serves version 7 of 9, published 20 s ago: it reports but does not apply (look at its log); restart its agent.');
    const silent = routerRow(agent({ seenAt: t - 16_000 }), { version: 7, publishedAt: t - 60_000 }, t);
    assert.equal(silent.state, 'silent');
    assert.match(silent.problem ?? '', /^router mgr2 \(10\.0\.0\.12\) has not reported for 16 s; it serves version 7 of 7 at most\. Its agent is down or cannot reach berth's Redis/);
  });
});
