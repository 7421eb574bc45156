import assert from 'node:assert/strict';
import type { DrainRecord, DrainSettingsStore, DrainsStore } from '../../app/ports/drains';

export interface OpenedDrains {
  readonly drains: DrainsStore;
  readonly settings: DrainSettingsStore;
  /** The apps the store knows: made, renamed and removed as berth's apps table does. */
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
  close(): void;
}

const T = (s: number) => new Date(Date.UTC(2026, 11, 8, 3, 0, s)).toISOString();
const row = (containerId: string, app: string, name: string, since: number, port: number | null = 5000): Omit<DrainRecord, 'phase' | 'stoppingAt'> =>
  ({ containerId, app, name, port, retireWaitSeconds: 60, stopTimeoutSeconds: 10, since: T(since) });
const draining = (r: Omit<DrainRecord, 'phase' | 'stoppingAt'>): DrainRecord => ({ ...r, phase: 'draining', stoppingAt: null });

/**
 * What the retiring containers' table and the per-app drain settings promise the drainer and the
 * reconciler (app/ports/drains.ts), run against SQLite (infra/sqlite, a fresh database file) and the
 * unit tests' InMemoryDrains / InMemoryDrainSettings, both in test/unit/conformance/drains.test.ts.
 */
export function drainsConformance(name: string, open: () => OpenedDrains): void {
  describe(`drains conformance: ${name}`, () => {
    let o: OpenedDrains;
    beforeEach(() => { o = open(); o.addApp('shop'); o.addApp('blog'); });
    afterEach(() => o?.close());

    it('add makes rows draining (a container already draining keeps its row); list all or one app\'s by since, then name', () => {
      const a = row('c-a', 'shop', 'berth.shop.web.1.b', 5);
      const b = row('c-b', 'blog', 'berth.blog.web.1.a', 5, null);
      const c = row('c-c', 'shop', 'berth.shop.worker.1.a', 2);
      o.drains.add([a, b]);
      o.drains.add([c, { ...a, since: T(1), retireWaitSeconds: 1 }]);
      assert.deepEqual(o.drains.list(), [draining(c), draining(b), draining(a)]);
      assert.deepEqual(o.drains.list('shop'), [draining(c), draining(a)]);
      assert.deepEqual(o.drains.list('nobody'), []);
      assert.deepEqual([o.drains.has('c-a'), o.drains.has('c-z')], [true, false]);
      o.drains.add([]);
      assert.equal(o.drains.list().length, 3);
    });

    it('markStopping moves that row to stopping with its time; remove drops that row; unknown ids change nothing', () => {
      const a = row('c-a', 'shop', 'berth.shop.web.1.a', 1);
      const b = row('c-b', 'shop', 'berth.shop.web.1.b', 2);
      o.drains.add([a, b]);
      o.drains.markStopping('c-a', T(30));
      o.drains.markStopping('c-z', T(30));
      assert.deepEqual(o.drains.list(), [{ ...a, phase: 'stopping', stoppingAt: T(30) }, draining(b)]);
      o.drains.remove('c-a');
      o.drains.remove('c-z');
      assert.deepEqual(o.drains.list(), [draining(b)]);
      assert.equal(o.drains.has('c-a'), false);
    });

    it('a retiring container\'s row needs no app row: an unknown app\'s is kept, and a destroyed app\'s stays until it is retired', () => {
      o.drains.add([row('c-g', 'ghost', 'berth.ghost.web.1.a', 1), row('c-s', 'shop', 'berth.shop.web.1.a', 2)]);
      o.removeApp('shop');
      assert.deepEqual(o.drains.list().map((d) => d.containerId), ['c-g', 'c-s']);
    });

    it('settings: defaults (null) for an app with none, a patch changes only its fields and answers the whole, null puts a default back', () => {
      assert.deepEqual(o.settings.get('shop'), { retireWaitSeconds: null, stopTimeoutSeconds: null });
      assert.deepEqual(o.settings.set('shop', { stopTimeoutSeconds: 45 }), { retireWaitSeconds: null, stopTimeoutSeconds: 45 });
      assert.deepEqual(o.settings.set('shop', { retireWaitSeconds: 300 }), { retireWaitSeconds: 300, stopTimeoutSeconds: 45 });
      assert.deepEqual(o.settings.set('shop', { stopTimeoutSeconds: null }), { retireWaitSeconds: 300, stopTimeoutSeconds: null });
      assert.deepEqual(o.settings.get('shop'), { retireWaitSeconds: 300, stopTimeoutSeconds: null });
      assert.deepEqual(o.settings.get('blog'), { retireWaitSeconds: null, stopTimeoutSeconds: null });
      assert.deepEqual(o.settings.get('nobody'), { retireWaitSeconds: null, stopTimeoutSeconds: null });
    });

    it('settings of a missing app are refused; they follow the app\'s rename and go with it', () => {
      assert.throws(() => o.settings.set('gone', { retireWaitSeconds: 5 }), /FOREIGN KEY/);
      o.settings.set('shop', { retireWaitSeconds: 5, stopTimeoutSeconds: 6 });
      o.renameApp('shop', 'store');
      assert.deepEqual([o.settings.get('shop'), o.settings.get('store')],
        [{ retireWaitSeconds: null, stopTimeoutSeconds: null }, { retireWaitSeconds: 5, stopTimeoutSeconds: 6 }]);
      o.removeApp('store');
      o.addApp('store');
      assert.deepEqual(o.settings.get('store'), { retireWaitSeconds: null, stopTimeoutSeconds: null });
    });
  });
}
