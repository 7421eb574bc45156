import assert from 'node:assert/strict';
import type { ForgeStore } from '../../app/ports/forge';

export interface OpenedForge {
  readonly forge: ForgeStore;
  /** The apps the store knows: made, renamed and removed as berth's apps table does. */
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
  close(): void;
}

/**
 * What the forge tables promise git:sync and the webhooks (app/ports/forge.ts: sync credentials,
 * webhook secrets, deliveries seen), run against SQLite (infra/sqlite, a fresh database file, secrets
 * sealed at rest) and the unit tests' InMemoryForge, both in test/unit/conformance/forge.test.ts.
 */
export function forgeConformance(name: string, open: () => OpenedForge): void {
  describe(`forge conformance: ${name}`, () => {
    let o: OpenedForge;
    beforeEach(() => { o = open(); o.addApp('shop'); o.addApp('blog'); });
    afterEach(() => o?.close());

    it('credentials: none until set, read back whole (a key has no username), replaced whole, removed once; a missing app\'s refused', () => {
      assert.equal(o.forge.credentials('shop'), null);
      assert.equal(o.forge.setCredentials('shop', { kind: 'token', username: 'ci-bot', secret: 'ghp_s3cret' }), true);
      assert.deepEqual(o.forge.credentials('shop'), { kind: 'token', username: 'ci-bot', secret: 'ghp_s3cret' });
      assert.equal(o.forge.credentials('blog'), null);
      assert.equal(o.forge.setCredentials('shop', { kind: 'key', secret: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n' }), true);
      assert.deepEqual(o.forge.credentials('shop'), { kind: 'key', secret: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n' });
      assert.equal(o.forge.setCredentials('shop', null), true);
      assert.equal(o.forge.setCredentials('shop', null), false);
      assert.equal(o.forge.credentials('shop'), null);
      assert.throws(() => o.forge.setCredentials('gone', { kind: 'token', username: 'u', secret: 's' }), /FOREIGN KEY/);
    });

    it('webhooks: one per app and provider (a second is refused and keeps the first secret), listed by provider, removed once', () => {
      assert.equal(o.forge.addWebhook('shop', 'gitlab', 'gl-secret'), true);
      assert.equal(o.forge.addWebhook('shop', 'github', 'gh-secret'), true);
      assert.equal(o.forge.addWebhook('shop', 'github', 'other'), false);
      assert.equal(o.forge.addWebhook('blog', 'github', 'blog-secret'), true);
      assert.deepEqual([o.forge.webhookSecret('shop', 'github'), o.forge.webhookSecret('shop', 'gitlab'), o.forge.webhookSecret('shop', 'gitea'), o.forge.webhookSecret('blog', 'github')],
        ['gh-secret', 'gl-secret', null, 'blog-secret']);
      const hooks = o.forge.webhooks('shop');
      assert.deepEqual(hooks.map((h) => h.provider), ['github', 'gitlab']);
      assert.deepEqual(Object.keys(hooks[0]).sort(), ['createdAt', 'provider']);
      assert.ok(hooks.every((h) => !Number.isNaN(Date.parse(h.createdAt))), 'createdAt is a time');
      assert.equal(o.forge.removeWebhook('shop', 'github'), true);
      assert.equal(o.forge.removeWebhook('shop', 'github'), false);
      assert.deepEqual([o.forge.webhookSecret('shop', 'github'), o.forge.webhooks('shop').map((h) => h.provider)], [null, ['gitlab']]);
      assert.throws(() => o.forge.addWebhook('gone', 'github', 's'), /FOREIGN KEY/);
    });

    it('deliveries: the first seen is true, a replay false, per app and provider; a forgotten one may come again', () => {
      assert.equal(o.forge.markDelivery('shop', 'github', 'd-1'), true);
      assert.equal(o.forge.markDelivery('shop', 'github', 'd-1'), false);
      assert.equal(o.forge.markDelivery('shop', 'gitea', 'd-1'), true);
      assert.equal(o.forge.markDelivery('blog', 'github', 'd-1'), true);
      o.forge.forgetDelivery('shop', 'github', 'd-1');
      o.forge.forgetDelivery('shop', 'github', 'd-none');
      assert.equal(o.forge.markDelivery('shop', 'github', 'd-1'), true);
      assert.equal(o.forge.markDelivery('shop', 'gitea', 'd-1'), false);
      assert.throws(() => o.forge.markDelivery('gone', 'github', 'd-1'), /FOREIGN KEY/);
    });

    it('credentials, webhooks and deliveries follow the app\'s rename and go with it', () => {
      o.forge.setCredentials('shop', { kind: 'token', username: 'u', secret: 's' });
      o.forge.addWebhook('shop', 'gitea', 'hook');
      o.forge.markDelivery('shop', 'gitea', 'd-1');
      o.renameApp('shop', 'store');
      assert.deepEqual([o.forge.credentials('shop'), o.forge.webhookSecret('shop', 'gitea'), o.forge.webhooks('shop')], [null, null, []]);
      assert.deepEqual([o.forge.credentials('store'), o.forge.webhookSecret('store', 'gitea')], [{ kind: 'token', username: 'u', secret: 's' }, 'hook']);
      assert.equal(o.forge.markDelivery('store', 'gitea', 'd-1'), false);
      o.removeApp('store');
      o.addApp('store');
      assert.deepEqual([o.forge.credentials('store'), o.forge.webhooks('store')], [null, []]);
      assert.equal(o.forge.markDelivery('store', 'gitea', 'd-1'), true);
    });
  });
}
