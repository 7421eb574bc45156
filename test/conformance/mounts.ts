import assert from 'node:assert/strict';
import type { MountRecord, MountsStore } from '../../app/ports/process-state';

export interface OpenedMounts {
  readonly mounts: MountsStore;
  /** The apps the store knows: made, renamed and removed as berth's apps table does. */
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
  close(): void;
}

const pair = (m: MountRecord) => [m.app, m.source, m.target];

/**
 * What the storage mounts' table promises app/storage (app/ports/process-state.ts's MountsStore; the stopped marks
 * are the store suite's), run against SQLite (infra/sqlite, a fresh database file) and the unit tests' InMemoryMounts,
 * both in test/unit/conformance/mounts.test.ts.
 */
export function mountsConformance(name: string, open: () => OpenedMounts): void {
  describe(`mounts conformance: ${name}`, () => {
    let o: OpenedMounts;
    beforeEach(() => { o = open(); o.addApp('shop'); o.addApp('blog'); });
    afterEach(() => o?.close());

    it('add answers the mount with its time; list is one app\'s, by target; one mount per app and target', () => {
      const m = o.mounts.add({ app: 'shop', source: 'berth-shop-uploads', target: '/srv/uploads' });
      assert.deepEqual({ ...m, createdAt: undefined }, { app: 'shop', source: 'berth-shop-uploads', target: '/srv/uploads', createdAt: undefined });
      assert.ok(!Number.isNaN(Date.parse(m.createdAt)), `createdAt ${m.createdAt} is a time`);
      o.mounts.add({ app: 'shop', source: '/var/lib/berth/storage/shop/cache', target: '/app/cache' });
      o.mounts.add({ app: 'blog', source: 'berth-blog-data', target: '/srv/uploads' });
      assert.deepEqual(o.mounts.list('shop').map(pair), [
        ['shop', '/var/lib/berth/storage/shop/cache', '/app/cache'], ['shop', 'berth-shop-uploads', '/srv/uploads'],
      ]);
      assert.deepEqual(o.mounts.list('shop')[1], m);
      assert.throws(() => o.mounts.add({ app: 'shop', source: 'berth-shop-other', target: '/srv/uploads' }), /UNIQUE constraint failed/);
      assert.deepEqual(o.mounts.list('blog').map(pair), [['blog', 'berth-blog-data', '/srv/uploads']]);
      assert.deepEqual(o.mounts.list('nobody'), []);
    });

    it('remove takes the mount at that target of that app only, and answers whether it did', () => {
      o.mounts.add({ app: 'shop', source: 'berth-shop-a', target: '/a' });
      o.mounts.add({ app: 'shop', source: 'berth-shop-b', target: '/b' });
      o.mounts.add({ app: 'blog', source: 'berth-blog-a', target: '/a' });
      assert.equal(o.mounts.remove('shop', '/a'), true);
      assert.equal(o.mounts.remove('shop', '/a'), false);
      assert.equal(o.mounts.remove('shop', '/nope'), false);
      assert.deepEqual([o.mounts.list('shop').map((m) => m.target), o.mounts.list('blog').map((m) => m.target)], [['/b'], ['/a']]);
    });

    it('a missing app\'s mount is refused; an app\'s mounts follow its rename and go with it', () => {
      assert.throws(() => o.mounts.add({ app: 'gone', source: 'berth-gone-data', target: '/data' }), /FOREIGN KEY/);
      o.mounts.add({ app: 'shop', source: 'berth-shop-data', target: '/data' });
      o.mounts.add({ app: 'blog', source: 'berth-blog-data', target: '/data' });
      o.renameApp('shop', 'store');
      assert.deepEqual([o.mounts.list('shop'), o.mounts.list('store').map(pair)], [[], [['store', 'berth-shop-data', '/data']]]);
      o.removeApp('store');
      assert.deepEqual([o.mounts.list('store'), o.mounts.list('blog').map(pair)], [[], [['blog', 'berth-blog-data', '/data']]]);
    });
  });
}
