import assert from 'node:assert/strict';
import type { AccessStore, TokenInfo } from '../../app/ports/access';

export interface OpenedAccess {
  readonly access: AccessStore;
  /** The apps the store knows: made, renamed and removed as berth's apps table does. */
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
  close(): void;
}

const T = (m: number) => new Date(Date.UTC(2026, 11, 8, 3, m)).toISOString();
const shape = (t: TokenInfo) => ({ name: t.name, expiresAt: t.expiresAt, scope: t.scope });

/**
 * What the access tables promise the users and access services (app/ports/access.ts: users, API and
 * scoped tokens, collaborators, SSH keys), run against SQLite (infra/sqlite, a fresh database file)
 * and the unit tests' InMemoryAccess, both in test/unit/conformance/access.test.ts.
 */
export function accessConformance(name: string, open: () => OpenedAccess): void {
  describe(`access conformance: ${name}`, () => {
    let o: OpenedAccess;
    beforeEach(() => { o = open(); o.addApp('shop'); o.addApp('blog'); });
    afterEach(() => o?.close());

    it('users: added with a new id (null when the name is taken), listed by name, a role set, removed once', () => {
      const zed = o.access.addUser('zed', 'viewer')!;
      const ann = o.access.addUser('ann', 'developer')!;
      assert.deepEqual([zed.name, zed.role, ann.name, ann.role], ['zed', 'viewer', 'ann', 'developer']);
      assert.notEqual(zed.id, ann.id);
      assert.equal(o.access.addUser('ann', 'admin'), null);
      assert.deepEqual(o.access.user('ann'), ann);
      assert.equal(o.access.user('bob'), null);
      assert.deepEqual(o.access.listUsers(), [ann, zed]);
      assert.equal(o.access.setRole('ann', 'admin'), true);
      assert.equal(o.access.setRole('bob', 'admin'), false);
      assert.deepEqual(o.access.user('ann'), { ...ann, role: 'admin' });
      assert.equal(o.access.removeUser('zed'), true);
      assert.equal(o.access.removeUser('zed'), false);
      assert.deepEqual(o.access.listUsers(), [{ ...ann, role: 'admin' }]);
    });

    it('an API token finds its user until (not at) its expiry; a scoped token only with its own scope, and never as an API token', () => {
      const ann = o.access.addUser('ann', 'developer')!;
      const bob = o.access.addUser('bob', 'admin')!;
      o.access.addToken(ann.id, { hash: 'h-api', name: 'laptop', expiresAt: T(30) });
      o.access.addToken(bob.id, { hash: 'h-forever', name: 'ci', expiresAt: null, scope: null });
      o.access.addToken(ann.id, { hash: 'h-push', name: 'deploy', expiresAt: T(30), scope: 'push:shop' });
      assert.deepEqual(o.access.userOfToken('h-api', T(29)), ann);
      assert.equal(o.access.userOfToken('h-api', T(30)), null);
      assert.deepEqual(o.access.userOfToken('h-forever', T(59)), bob);
      assert.equal(o.access.userOfToken('h-push', T(1)), null);
      assert.equal(o.access.userOfToken('h-none', T(1)), null);
      assert.deepEqual(o.access.userOfScopedToken('h-push', 'push:shop', T(29)), ann);
      assert.equal(o.access.userOfScopedToken('h-push', 'push:shop', T(30)), null);
      assert.equal(o.access.userOfScopedToken('h-push', 'deploy:shop', T(1)), null);
      assert.equal(o.access.userOfScopedToken('h-api', 'push:shop', T(1)), null);
      assert.deepEqual(o.access.scopedTokenOf('h-push', T(29)), { user: ann, scope: 'push:shop' });
      assert.equal(o.access.scopedTokenOf('h-push', T(30)), null);
      assert.equal(o.access.scopedTokenOf('h-api', T(1)), null);
    });

    it('tokens: a user\'s own listed with their times (no hash), revoked by name with the count; a missing user\'s refused', () => {
      const ann = o.access.addUser('ann', 'developer')!;
      const bob = o.access.addUser('bob', 'developer')!;
      o.access.addToken(ann.id, { hash: 'h1', name: 'a-laptop', expiresAt: null });
      o.access.addToken(ann.id, { hash: 'h2', name: 'b-metrics', expiresAt: T(40), scope: 'metrics' });
      o.access.addToken(bob.id, { hash: 'h4', name: 'a-laptop', expiresAt: null });
      const mine = o.access.tokens(ann.id);
      assert.deepEqual(mine.map(shape), [{ name: 'a-laptop', expiresAt: null, scope: null }, { name: 'b-metrics', expiresAt: T(40), scope: 'metrics' }]);
      assert.deepEqual(Object.keys(mine[0]).sort(), ['createdAt', 'expiresAt', 'name', 'scope']);
      assert.ok(mine.every((t) => !Number.isNaN(Date.parse(t.createdAt))), 'createdAt is a time');
      o.access.addToken(ann.id, { hash: 'h3', name: 'b-metrics', expiresAt: null });
      assert.equal(o.access.revokeToken(ann.id, 'b-metrics'), 2);
      assert.equal(o.access.revokeToken(ann.id, 'b-metrics'), 0);
      assert.equal(o.access.revokeToken(ann.id, 'nothing'), 0);
      assert.deepEqual(o.access.tokens(ann.id).map((t) => t.name), ['a-laptop']);
      assert.deepEqual(o.access.tokens(bob.id).map((t) => t.name), ['a-laptop']);
      assert.throws(() => o.access.addToken(9999, { hash: 'h9', name: 'x', expiresAt: null }), /FOREIGN KEY/);
    });

    it('collaborators: added once, listed by user name, apps listed by name, removed once; a missing app\'s refused', () => {
      const ann = o.access.addUser('ann', 'developer')!;
      const bob = o.access.addUser('bob', 'developer')!;
      o.access.addCollaborator('shop', bob.id);
      o.access.addCollaborator('shop', ann.id);
      o.access.addCollaborator('shop', ann.id);
      o.access.addCollaborator('blog', ann.id);
      assert.deepEqual(o.access.collaborators('shop'), ['ann', 'bob']);
      assert.deepEqual(o.access.appsOf(ann.id), ['blog', 'shop']);
      assert.deepEqual(o.access.appsOf(bob.id), ['shop']);
      assert.deepEqual([o.access.isCollaborator('shop', bob.id), o.access.isCollaborator('blog', bob.id)], [true, false]);
      assert.equal(o.access.removeCollaborator('shop', ann.id), true);
      assert.equal(o.access.removeCollaborator('shop', ann.id), false);
      assert.deepEqual(o.access.collaborators('shop'), ['bob']);
      assert.deepEqual(o.access.collaborators('nobody'), []);
      assert.throws(() => o.access.addCollaborator('gone', ann.id), /FOREIGN KEY/);
    });

    it('SSH keys: a fingerprint or a user\'s key name taken twice is refused; listed per user by name, or all by user then name', () => {
      const bob = o.access.addUser('bob', 'developer')!;
      const ann = o.access.addUser('ann', 'viewer')!;
      const key = (fingerprint: string, userId: number, name: string) => ({ fingerprint, userId, name, publicKey: `ssh-ed25519 AAAA${fingerprint}` });
      assert.equal(o.access.addSshKey(key('SHA256:b2', bob.id, 'work')), true);
      assert.equal(o.access.addSshKey(key('SHA256:b1', bob.id, 'home')), true);
      assert.equal(o.access.addSshKey(key('SHA256:a1', ann.id, 'laptop')), true);
      assert.equal(o.access.addSshKey(key('SHA256:b1', ann.id, 'other')), false);
      assert.equal(o.access.addSshKey(key('SHA256:b3', bob.id, 'home')), false);
      const mine = o.access.sshKeys(bob.id);
      assert.deepEqual(mine.map((k) => [k.fingerprint, k.user, k.name, k.publicKey]), [
        ['SHA256:b1', 'bob', 'home', 'ssh-ed25519 AAAASHA256:b1'], ['SHA256:b2', 'bob', 'work', 'ssh-ed25519 AAAASHA256:b2']]);
      assert.ok(!Number.isNaN(Date.parse(mine[0].createdAt)), 'createdAt is a time');
      assert.deepEqual(o.access.sshKeys(null).map((k) => k.fingerprint), ['SHA256:a1', 'SHA256:b1', 'SHA256:b2']);
      assert.deepEqual(o.access.userOfSshKey('SHA256:b2'), bob);
      assert.equal(o.access.userOfSshKey('SHA256:zz'), null);
      assert.equal(o.access.removeSshKey(bob.id, 'home'), true);
      assert.equal(o.access.removeSshKey(bob.id, 'home'), false);
      assert.equal(o.access.removeSshKey(ann.id, 'work'), false);
      assert.deepEqual(o.access.sshKeys(null).map((k) => k.fingerprint), ['SHA256:a1', 'SHA256:b2']);
    });

    it('a removed user takes their tokens, collaborations and keys; collaborations follow an app\'s rename and go with it', () => {
      const ann = o.access.addUser('ann', 'developer')!;
      const bob = o.access.addUser('bob', 'developer')!;
      o.access.addToken(ann.id, { hash: 'h-ann', name: 'laptop', expiresAt: null });
      o.access.addSshKey({ fingerprint: 'SHA256:a', userId: ann.id, name: 'k', publicKey: 'ssh-ed25519 AAAA' });
      o.access.addCollaborator('shop', ann.id);
      o.access.addCollaborator('shop', bob.id);
      o.access.addCollaborator('blog', bob.id);
      assert.equal(o.access.removeUser('ann'), true);
      assert.deepEqual([o.access.userOfToken('h-ann', T(1)), o.access.userOfSshKey('SHA256:a'), o.access.tokens(ann.id)], [null, null, []]);
      assert.deepEqual(o.access.collaborators('shop'), ['bob']);
      o.renameApp('shop', 'store');
      assert.deepEqual([o.access.collaborators('shop'), o.access.appsOf(bob.id)], [[], ['blog', 'store']]);
      assert.equal(o.access.isCollaborator('store', bob.id), true);
      o.removeApp('store');
      assert.deepEqual(o.access.appsOf(bob.id), ['blog']);
    });
  });
}
