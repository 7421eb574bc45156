import assert from 'node:assert/strict';
import type { LogDrainRecord, LogDrainsStore } from '../../app/ports/log-drains';

export interface OpenedLogDrains {
  readonly drains: LogDrainsStore;
  /** The apps the store knows: made, renamed and removed as berth's apps table does. */
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
  close(): void;
}

/**
 * What the log drains' table promises the log drains module (app/ports/log-drains.ts), run against
 * SQLite (infra/sqlite, a fresh database file) and the unit tests' InMemoryLogDrains, both in
 * test/unit/conformance/log-drains.test.ts.
 */
export function logDrainsConformance(name: string, open: () => OpenedLogDrains): void {
  describe(`log drains conformance: ${name}`, () => {
    let o: OpenedLogDrains;
    beforeEach(() => { o = open(); o.addApp('shop'); o.addApp('blog'); });
    afterEach(() => o?.close());
    const shape = (d: LogDrainRecord) => ({ app: d.app, url: d.url, privileged: d.privileged });

    it('add answers the drain with a new id and its time; list is one app\'s (name), the global ones (null) or all (undefined), in the order added', () => {
      const a = o.drains.add({ app: 'shop', url: 'syslog+tls://logs.test:6514', privileged: false });
      const g = o.drains.add({ app: null, url: 'https://collect.test/in', privileged: true });
      const b = o.drains.add({ app: 'blog', url: 'syslog://logs.test:514', privileged: false });
      const a2 = o.drains.add({ app: 'shop', url: 'https://other.test/x', privileged: false });
      assert.deepEqual(shape(a), { app: 'shop', url: 'syslog+tls://logs.test:6514', privileged: false });
      assert.equal(new Set([a.id, g.id, b.id, a2.id]).size, 4);
      assert.ok(!Number.isNaN(Date.parse(a.createdAt)), `createdAt ${a.createdAt} is a time`);
      assert.deepEqual(o.drains.list('shop').map((d) => d.id), [a.id, a2.id]);
      assert.deepEqual(o.drains.list(null).map(shape), [{ app: null, url: 'https://collect.test/in', privileged: true }]);
      assert.deepEqual(o.drains.list().map((d) => d.id), [a.id, g.id, b.id, a2.id]);
      assert.deepEqual(o.drains.list('nobody'), []);
    });

    it('remove answers whether it removed one; a removed drain\'s id is not given again', () => {
      const a = o.drains.add({ app: 'shop', url: 'syslog://a.test:514', privileged: false });
      const b = o.drains.add({ app: 'shop', url: 'syslog://b.test:514', privileged: false });
      assert.equal(o.drains.remove(b.id), true);
      assert.equal(o.drains.remove(b.id), false);
      const c = o.drains.add({ app: 'shop', url: 'syslog://c.test:514', privileged: false });
      assert.notEqual(c.id, b.id);
      assert.deepEqual(o.drains.list('shop').map((d) => d.id), [a.id, c.id]);
    });

    it('a drain of a missing app is refused; an app\'s drains follow its rename and go with it, the global ones stay', () => {
      assert.throws(() => o.drains.add({ app: 'gone', url: 'syslog://a.test:514', privileged: false }), /FOREIGN KEY/);
      o.drains.add({ app: 'shop', url: 'syslog://a.test:514', privileged: false });
      o.drains.add({ app: null, url: 'syslog://g.test:514', privileged: true });
      o.renameApp('shop', 'store');
      assert.deepEqual(o.drains.list('shop'), []);
      assert.deepEqual(o.drains.list('store').map(shape), [{ app: 'store', url: 'syslog://a.test:514', privileged: false }]);
      o.removeApp('store');
      assert.deepEqual(o.drains.list().map(shape), [{ app: null, url: 'syslog://g.test:514', privileged: true }]);
    });
  });
}
