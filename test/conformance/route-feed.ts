import assert from 'node:assert/strict';
import type { RouteFeed, RouterAgentState } from '../../app/ports/route-feed';
import type { AppRoute } from '../../app/ports/router';

export interface OpenedRouteFeed {
  /** Two handles on one feed (berth publishing, a router agent reading): the same object for a fake. */
  readonly one: RouteFeed;
  readonly two: RouteFeed;
  close(): Promise<void>;
}

/** The feed's clock (ms since the epoch), set by the suite: both implementations take `now`. */
export interface FeedClock { now: number }

const route = (app: string, port = 5000): AppRoute => ({
  app, domains: [`${app}.example.test`], upstreams: [{ host: '10.0.0.2', port }],
  settings: { clientMaxBodySize: '10m' },
  tls: { cert: '-----BEGIN CERTIFICATE-----\nx\n', key: '-----BEGIN PRIVATE KEY-----\ny\n' },
});

const agent = (name: string, version: number): RouterAgentState => ({
  name, nodeId: null, address: '10.0.0.9', version, appliedAt: 1_000, seenAt: 2_000, failures: [{ app: 'shop', message: 'refused' }],
});

/**
 * The RouteFeed port (app/ports/route-feed.ts: what berth publishes and every router agent applies), run
 * against Redis (test/integration/route-feed-conformance.test.ts) and the unit tests' InMemoryRouteFeed
 * (test/unit/conformance/route-feed.test.ts).
 */
export function routeFeedConformance(name: string, open: (clock: FeedClock) => Promise<OpenedRouteFeed>): void {
  describe(`route feed conformance: ${name}`, function () {
    this.timeout(30_000);
    let feed: OpenedRouteFeed;
    let clock: FeedClock;
    beforeEach(async () => { clock = { now: 1_700_000_000_000 }; feed = await open(clock); });
    afterEach(async () => { await feed?.close(); });

    it('an empty feed: version 0, published at 0, no routes, no apps, no agents', async () => {
      assert.deepEqual(await feed.one.head(), { version: 0, publishedAt: 0 });
      assert.deepEqual(await feed.one.current(), { version: 0, publishedAt: 0, routes: {} });
      assert.deepEqual([await feed.one.apps(), await feed.one.agents()], [[], []]);
    });

    it('each changed route is a new version with its time; the other handle reads every route back whole', async () => {
      assert.equal(await feed.one.publish('shop', route('shop')), 1);
      clock.now += 5;
      assert.equal(await feed.one.publish('blog', route('blog')), 2);
      clock.now += 5;
      assert.equal(await feed.one.publish('shop', route('shop', 5001)), 3);
      assert.deepEqual(await feed.two.head(), { version: 3, publishedAt: 1_700_000_000_010 });
      assert.deepEqual(await feed.two.current(), { version: 3, publishedAt: 1_700_000_000_010, routes: { shop: route('shop', 5001), blog: route('blog') } });
      assert.deepEqual(await feed.two.apps(), ['blog', 'shop']);
    });

    it('an unchanged route, or removing an app it does not hold, publishes nothing (no version, same time)', async () => {
      await feed.one.publish('shop', route('shop'));
      clock.now += 5;
      assert.equal(await feed.one.publish('shop', route('shop')), 1);
      assert.equal(await feed.one.publish('gone', null), 1);
      assert.deepEqual(await feed.two.head(), { version: 1, publishedAt: 1_700_000_000_000 });
    });

    it('a removal is a version: the app leaves the routes and the apps', async () => {
      await feed.one.publish('shop', route('shop'));
      await feed.one.publish('blog', route('blog'));
      assert.equal(await feed.one.publish('shop', null), 3);
      assert.deepEqual(await feed.two.current(), { version: 3, publishedAt: 1_700_000_000_000, routes: { blog: route('blog') } });
      assert.deepEqual(await feed.two.apps(), ['blog']);
    });

    it('publishes from both handles at once: each change its own version, none lost', async () => {
      const apps = Array.from({ length: 12 }, (_, i) => `app-${String(i).padStart(2, '0')}`);
      const versions = await Promise.all(apps.map((a, i) => (i % 2 ? feed.one : feed.two).publish(a, route(a))));
      assert.deepEqual([...versions].sort((a, b) => a - b), apps.map((_, i) => i + 1));
      assert.deepEqual(Object.keys((await feed.one.current()).routes).sort(), apps);
    });

    it('agents: a report replaces that agent\'s last, listed by name; forget answers whether it did', async () => {
      await feed.two.report(agent('router-b', 1));
      await feed.two.report(agent('router-a', 1));
      await feed.two.report(agent('router-b', 4));
      assert.deepEqual(await feed.one.agents(), [agent('router-a', 1), agent('router-b', 4)]);
      assert.equal(await feed.one.forget('router-b'), true);
      assert.equal(await feed.one.forget('router-b'), false);
      assert.deepEqual(await feed.one.agents(), [agent('router-a', 1)]);
    });
  });
}
