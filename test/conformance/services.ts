import assert from 'node:assert/strict';
import type { ServiceLinkRecord, ServiceRecord, ServicesStore } from '../../app/ports/services';

export interface OpenedServices {
  readonly services: ServicesStore;
  /** The apps the store knows: made, renamed and removed as berth's apps table does. */
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
  close(): void;
}

const creds = { user: 'shop', password: 's3cret', database: 'shop' };
const linkOf = (l: ServiceLinkRecord) => [l.plugin, l.service, l.app, l.alias];
const names = (list: ServiceRecord[]) => list.map((s) => `${s.plugin}/${s.name}`);
/** Waits (without sleeping) until the clock has moved a millisecond: links made after it have a later time. */
const nextMillisecond = (): void => { const t = Date.now(); while (Date.now() === t) { /* spin */ } };

/**
 * What the services' tables promise app/services (app/ports/services.ts: services with their credentials and
 * where they run, and their links to apps), run against SQLite (infra/sqlite, credentials sealed at rest, a fresh
 * database file) and the unit tests' InMemoryServices, both in test/unit/conformance/services.test.ts.
 */
export function servicesConformance(name: string, open: () => OpenedServices): void {
  describe(`services conformance: ${name}`, () => {
    let o: OpenedServices;
    beforeEach(() => { o = open(); o.addApp('shop'); o.addApp('blog'); });
    afterEach(() => o?.close());

    it('insert answers the service with the defaults (local, not exposed, no placement) and its time; a second one is SERVICE_EXISTS', () => {
      const s = o.services.insert({ plugin: 'postgres', name: 'db', image: 'postgres:16', credentials: creds });
      assert.deepEqual({ ...s, createdAt: undefined }, {
        plugin: 'postgres', name: 'db', image: 'postgres:16', credentials: creds, exposedPort: null,
        scheduler: 'docker-local', placement: [], publishedPort: null, swarmHost: null, createdAt: undefined,
      });
      assert.ok(!Number.isNaN(Date.parse(s.createdAt)), `createdAt ${s.createdAt} is a time`);
      assert.deepEqual(o.services.get('postgres', 'db'), s);
      assert.throws(() => o.services.insert({ plugin: 'postgres', name: 'db', image: 'postgres:15', credentials: {} }), { code: 'SERVICE_EXISTS' });
      assert.equal(o.services.get('postgres', 'db')?.image, 'postgres:16');
      assert.equal(o.services.get('redis', 'db'), null);
    });

    it('a swarm service keeps its scheduler, placement in order, published port and host', () => {
      const s = o.services.insert({
        plugin: 'redis', name: 'cache', image: 'redis:7', credentials: { password: 'p' },
        scheduler: 'swarm', placement: ['node.hostname==b', 'node.labels.disk==ssd'], publishedPort: 30123, swarmHost: '10.0.0.2',
      });
      assert.deepEqual([s.scheduler, s.placement, s.publishedPort, s.swarmHost], ['swarm', ['node.hostname==b', 'node.labels.disk==ssd'], 30123, '10.0.0.2']);
      assert.deepEqual(o.services.get('redis', 'cache'), s);
    });

    it('list: all by plugin then name, or one plugin\'s by name', () => {
      for (const [plugin, n] of [['redis', 'b'], ['postgres', 'z'], ['postgres', 'a'], ['mysql', 'm']]) {
        o.services.insert({ plugin, name: n, image: `${plugin}:1`, credentials: {} });
      }
      assert.deepEqual(names(o.services.list()), ['mysql/m', 'postgres/a', 'postgres/z', 'redis/b']);
      assert.deepEqual(names(o.services.list('postgres')), ['postgres/a', 'postgres/z']);
      assert.deepEqual(o.services.list('mongo'), []);
    });

    it('update changes only the fields given (null clears a port or host) and answers the record; a missing service is SERVICE_NOT_FOUND', () => {
      const s = o.services.insert({ plugin: 'postgres', name: 'db', image: 'postgres:16', credentials: creds, scheduler: 'swarm', placement: ['node.hostname==a'], swarmHost: '10.0.0.1' });
      const exposed = o.services.update('postgres', 'db', { exposedPort: 5433 });
      assert.deepEqual(exposed, { ...s, exposedPort: 5433 });
      assert.deepEqual(o.services.update('postgres', 'db', { image: 'postgres:17', swarmHost: null }), { ...s, exposedPort: 5433, image: 'postgres:17', swarmHost: null });
      assert.deepEqual(o.services.update('postgres', 'db', { exposedPort: null }), { ...s, image: 'postgres:17', swarmHost: null });
      assert.deepEqual(o.services.get('postgres', 'db'), { ...s, image: 'postgres:17', swarmHost: null });
      assert.throws(() => o.services.update('postgres', 'nope', { image: 'x' }), { code: 'SERVICE_NOT_FOUND' });
      assert.equal(o.services.get('postgres', 'nope'), null);
    });

    it('links: answered with their time, a service\'s by app, an app\'s in the order linked; unlink answers whether it did', () => {
      o.services.insert({ plugin: 'postgres', name: 'db', image: 'postgres:16', credentials: creds });
      o.services.insert({ plugin: 'mysql', name: 'old', image: 'mysql:8', credentials: {} });
      const l = o.services.link({ plugin: 'postgres', service: 'db', app: 'shop', alias: 'DATABASE_URL' });
      assert.deepEqual(linkOf(l), ['postgres', 'db', 'shop', 'DATABASE_URL']);
      assert.ok(!Number.isNaN(Date.parse(l.createdAt)), `createdAt ${l.createdAt} is a time`);
      nextMillisecond();
      o.services.link({ plugin: 'mysql', service: 'old', app: 'shop', alias: 'MYSQL_URL' });
      o.services.link({ plugin: 'postgres', service: 'db', app: 'blog', alias: 'DATABASE_URL' });
      assert.deepEqual(o.services.linksOfApp('shop').map(linkOf), [['postgres', 'db', 'shop', 'DATABASE_URL'], ['mysql', 'old', 'shop', 'MYSQL_URL']]);
      assert.deepEqual(o.services.linksOfService('postgres', 'db').map(linkOf), [['postgres', 'db', 'blog', 'DATABASE_URL'], ['postgres', 'db', 'shop', 'DATABASE_URL']]);
      assert.deepEqual(o.services.linksOfService('postgres', 'db')[1], l);
      assert.equal(o.services.unlink('postgres', 'db', 'shop'), true);
      assert.equal(o.services.unlink('postgres', 'db', 'shop'), false);
      assert.deepEqual([o.services.linksOfApp('shop').map(linkOf), o.services.linksOfService('postgres', 'db').map((x) => x.app)], [[['mysql', 'old', 'shop', 'MYSQL_URL']], ['blog']]);
    });

    it('a link is refused for a missing app or service, twice for one app and service, and with an alias the app already has', () => {
      o.services.insert({ plugin: 'postgres', name: 'db', image: 'postgres:16', credentials: creds });
      o.services.insert({ plugin: 'postgres', name: 'other', image: 'postgres:16', credentials: creds });
      assert.throws(() => o.services.link({ plugin: 'postgres', service: 'db', app: 'gone', alias: 'DATABASE_URL' }), /FOREIGN KEY/);
      assert.throws(() => o.services.link({ plugin: 'postgres', service: 'nope', app: 'shop', alias: 'DATABASE_URL' }), /FOREIGN KEY/);
      o.services.link({ plugin: 'postgres', service: 'db', app: 'shop', alias: 'DATABASE_URL' });
      assert.throws(() => o.services.link({ plugin: 'postgres', service: 'db', app: 'shop', alias: 'OTHER_URL' }), /UNIQUE constraint failed/);
      assert.throws(() => o.services.link({ plugin: 'postgres', service: 'other', app: 'shop', alias: 'DATABASE_URL' }), /UNIQUE constraint failed/);
      o.services.link({ plugin: 'postgres', service: 'other', app: 'blog', alias: 'DATABASE_URL' });
      assert.deepEqual(o.services.linksOfApp('shop').map(linkOf), [['postgres', 'db', 'shop', 'DATABASE_URL']]);
    });

    it('removing a service takes its links; an app\'s links follow its rename and go with the app, the service stays', () => {
      o.services.insert({ plugin: 'postgres', name: 'db', image: 'postgres:16', credentials: creds });
      o.services.insert({ plugin: 'redis', name: 'cache', image: 'redis:7', credentials: {} });
      o.services.link({ plugin: 'postgres', service: 'db', app: 'shop', alias: 'DATABASE_URL' });
      o.services.link({ plugin: 'redis', service: 'cache', app: 'shop', alias: 'REDIS_URL' });
      o.services.link({ plugin: 'redis', service: 'cache', app: 'blog', alias: 'REDIS_URL' });
      o.services.remove('postgres', 'db');
      o.services.remove('postgres', 'db');
      assert.deepEqual([o.services.get('postgres', 'db'), o.services.linksOfService('postgres', 'db'), o.services.linksOfApp('shop').map(linkOf)],
        [null, [], [['redis', 'cache', 'shop', 'REDIS_URL']]]);
      o.renameApp('shop', 'store');
      assert.deepEqual(o.services.linksOfApp('shop'), []);
      assert.deepEqual(o.services.linksOfService('redis', 'cache').map((l) => l.app), ['blog', 'store']);
      o.removeApp('store');
      assert.deepEqual([o.services.linksOfService('redis', 'cache').map((l) => l.app), names(o.services.list())], [['blog'], ['redis/cache']]);
    });
  });
}
