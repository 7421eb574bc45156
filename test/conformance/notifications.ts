import assert from 'node:assert/strict';
import type { NotificationTargetRecord, NotificationsStore } from '../../app/ports/notifications';

export interface OpenedNotifications {
  readonly notifications: NotificationsStore;
  /** The apps the store knows: made, renamed and removed as berth's apps table does. */
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
  close(): void;
}

/**
 * What the notification targets' table promises the notifications module (app/ports/notifications.ts),
 * run against SQLite (infra/sqlite, a fresh database file, URLs and secrets sealed at rest) and the
 * unit tests' InMemoryNotifications, both in test/unit/conformance/notifications.test.ts.
 */
export function notificationsConformance(name: string, open: () => OpenedNotifications): void {
  describe(`notifications store conformance: ${name}`, () => {
    let o: OpenedNotifications;
    beforeEach(() => { o = open(); o.addApp('shop'); o.addApp('blog'); });
    afterEach(() => o?.close());
    const fresh = (t: NotificationTargetRecord) => ({ ...t, id: 0, createdAt: '' });

    it('add answers the target as stored, never delivered; get reads it back (its secret too); list is one app\'s or (null) the global ones, in the order added', () => {
      const a = o.notifications.add({ app: 'shop', type: 'webhook', url: 'https://hooks.test/a?k=1', secret: 'abc', createdBy: 'ana' });
      const g = o.notifications.add({ app: null, type: 'email', url: 'mailto:ops@test', secret: null, createdBy: null });
      const a2 = o.notifications.add({ app: 'shop', type: 'slack', url: 'https://hooks.slack.test/T/B/x', secret: null, createdBy: 'ana' });
      assert.deepEqual(fresh(a), {
        id: 0, app: 'shop', type: 'webhook', url: 'https://hooks.test/a?k=1', secret: 'abc', createdBy: 'ana', createdAt: '',
        lastStatus: 'never', lastAt: null, lastEvent: null, lastError: null, delivered: 0, failed: 0,
      });
      assert.ok(!Number.isNaN(Date.parse(a.createdAt)));
      assert.deepEqual(o.notifications.get(a.id), a);
      assert.equal(o.notifications.get(a.id + 1000), null);
      assert.deepEqual(o.notifications.list('shop').map((t) => t.id), [a.id, a2.id]);
      assert.deepEqual(o.notifications.list(null).map((t) => t.id), [g.id]);
      assert.deepEqual(o.notifications.list('blog'), []);
    });

    it('each attempt sets the last delivery and counts delivered and failed ones (retrying counts neither)', () => {
      const t = o.notifications.add({ app: 'shop', type: 'webhook', url: 'https://hooks.test/a', secret: 's', createdBy: null });
      o.notifications.recordAttempt(t.id, { status: 'retrying', event: 'deploy.failed', error: 'HTTP 502' });
      o.notifications.recordAttempt(t.id, { status: 'failed', event: 'deploy.failed', error: 'HTTP 502' });
      o.notifications.recordAttempt(t.id, { status: 'delivered', event: 'deploy.succeeded', error: null });
      const after = o.notifications.get(t.id)!;
      assert.deepEqual([after.lastStatus, after.lastEvent, after.lastError, after.delivered, after.failed], ['delivered', 'deploy.succeeded', null, 1, 1]);
      assert.ok(after.lastAt !== null && !Number.isNaN(Date.parse(after.lastAt)));
    });

    it('remove answers whether it removed one; a removed target\'s id is not given again', () => {
      const a = o.notifications.add({ app: 'shop', type: 'email', url: 'mailto:a@test', secret: null, createdBy: null });
      const b = o.notifications.add({ app: 'shop', type: 'email', url: 'mailto:b@test', secret: null, createdBy: null });
      assert.equal(o.notifications.remove(b.id), true);
      assert.equal(o.notifications.remove(b.id), false);
      assert.equal(o.notifications.get(b.id), null);
      const c = o.notifications.add({ app: 'shop', type: 'email', url: 'mailto:c@test', secret: null, createdBy: null });
      assert.notEqual(c.id, b.id);
      assert.deepEqual(o.notifications.list('shop').map((t) => t.id), [a.id, c.id]);
    });

    it('a missing app\'s target is refused; an app\'s targets follow its rename and go with it, the global ones stay', () => {
      assert.throws(() => o.notifications.add({ app: 'gone', type: 'email', url: 'mailto:a@test', secret: null, createdBy: null }), /FOREIGN KEY/);
      const t = o.notifications.add({ app: 'shop', type: 'email', url: 'mailto:a@test', secret: null, createdBy: null });
      const g = o.notifications.add({ app: null, type: 'email', url: 'mailto:g@test', secret: null, createdBy: null });
      o.renameApp('shop', 'store');
      assert.deepEqual(o.notifications.list('shop'), []);
      assert.equal(o.notifications.get(t.id)?.app, 'store');
      o.removeApp('store');
      assert.equal(o.notifications.get(t.id), null);
      assert.deepEqual(o.notifications.list(null).map((x) => x.id), [g.id]);
    });

    it('keeps one SMTP setting, password included, replaced whole; null removes it', () => {
      assert.equal(o.notifications.smtp(), null);
      o.notifications.setSmtp({ host: 'mail.test', port: 587, secure: false, user: 'berth', password: 'pw', from: 'berth@test' });
      o.notifications.setSmtp({ host: 'smtp.test', port: 465, secure: true, user: null, password: null, from: 'b@test' });
      assert.deepEqual(o.notifications.smtp(), { host: 'smtp.test', port: 465, secure: true, user: null, password: null, from: 'b@test' });
      o.notifications.setSmtp(null);
      assert.equal(o.notifications.smtp(), null);
    });
  });
}
