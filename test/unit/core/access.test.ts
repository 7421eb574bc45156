import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { AccessService, assertUserName } from '../../../app/users/access-service';
import { can, forbidden, type Action } from '../../../app/users/authorize';
import { UsersService, hashToken } from '../../../app/users/users-service';
import { NO_DEPLOY_USE, apiUse } from '../../../app/users/deploy-scope';
import type { Store, UserRecord } from '../../../app/ports/store';

const thrown = (fn: () => unknown): { code: string; message: string } => {
  try { fn(); } catch (e) { return { code: (e as { code: string }).code, message: (e as Error).message }; }
  return { code: 'none', message: '' };
};
const rejected = async (p: Promise<unknown>): Promise<{ code: string; message: string }> => {
  try { await p; } catch (e) { return { code: (e as { code: string }).code, message: (e as Error).message }; }
  return { code: 'none', message: '' };
};

/** An OpenSSH ed25519 public key line, made here (type string + 32-byte key, each length-prefixed). */
function sshKeyLine(comment = 'me@host'): string {
  const { publicKey } = crypto.generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const part = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([part(Buffer.from('ssh-ed25519')), part(raw)]).toString('base64')} ${comment}`;
}

describe('authorization: can() and forbidden()', () => {
  const collab = (app: string) => app === 'mine';
  const table: Array<[UserRecord['role'], Action, string | null, boolean]> = [
    ['admin', 'read', null, true], ['admin', 'write', 'theirs', true], ['admin', 'admin', null, true], ['admin', 'self', null, true],
    ['developer', 'read', null, true], ['developer', 'write', null, false], ['developer', 'admin', null, false], ['developer', 'self', null, true],
    ['developer', 'read', 'mine', true], ['developer', 'write', 'mine', true], ['developer', 'read', 'theirs', false], ['developer', 'write', 'theirs', false],
    ['developer', 'admin', 'mine', false],
    ['viewer', 'read', null, true], ['viewer', 'read', 'theirs', true], ['viewer', 'write', 'mine', false], ['viewer', 'write', null, false],
    ['viewer', 'admin', null, false], ['viewer', 'self', null, true],
  ];
  for (const [role, action, app, expected] of table) {
    it(`${role} ${action} ${app ?? '(berth-wide)'}: ${expected ? 'allowed' : 'refused'}`, () => {
      assert.equal(can({ role }, action, app, collab), expected);
    });
  }
  it('an unknown role may do nothing but its own tokens', () => {
    assert.equal(can({ role: 'root' as never }, 'read', null, collab), false);
    assert.equal(can({ role: 'root' as never }, 'write', 'mine', collab), false);
    assert.equal(can({ role: 'root' as never }, 'self', null, collab), true);
  });
  it('the refusal names the user, role, what and how to get it', () => {
    const dev = { name: 'dana', role: 'developer' as const };
    const viewer = { name: 'vic', role: 'viewer' as const };
    const cases: Array<[Parameters<typeof forbidden>, string]> = [
      [[dev, 'write', 'shop'], 'User "dana" (developer) may not change app "shop": ask an admin to run `berth apps:collaborators:add shop dana`.'],
      [[dev, 'read', 'shop'], 'User "dana" (developer) may not read app "shop": ask an admin to run `berth apps:collaborators:add shop dana`.'],
      [[dev, 'admin', null], 'User "dana" (developer) may not change berth-wide settings: only admins can.'],
      [[dev, 'read', null], 'User "dana" (developer) may not read this: only admins can.'],
      [[viewer, 'write', 'shop'], 'User "vic" (viewer) may not change app "shop": viewers can only read.'],
      [[viewer, 'admin', null], 'User "vic" (viewer) may not change berth-wide settings: viewers can only read.'],
    ];
    for (const [args, message] of cases) {
      const e = forbidden(...args);
      assert.equal(e.code, 'FORBIDDEN');
      assert.equal(e.message, message);
    }
  });
});

describe('AccessService (real SQLite store)', () => {
  let dir: string;
  let store: Store;
  let access: AccessService;
  let events: Array<{ app: string | null; message: string; user: string | null }>;
  let ended: number[];
  let admin: UserRecord;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-access-'));
    store = openSqliteStore(path.join(dir, 'berth.db'));
    events = [];
    ended = [];
    access = new AccessService({
      store: store.access, appExists: (a) => store.apps.get(a) !== null,
      endSessions: (id) => { ended.push(id); }, record: (e) => { events.push(e); },
      appsOfService: (plugin, name) => (plugin === 'postgres' && name === 'shopdb' ? ['shop'] : []),
    });
    store.apps.insert('shop');
    store.apps.insert('blog');
    admin = (await access.addUser({ name: 'root', role: 'admin', by: null })).user;
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('user names: lowercase start, letters digits . _ -, no "..", at most 40', () => {
    for (const ok of ['a', 'dana', 'd.a_n-a1', `a${'b'.repeat(39)}`]) assert.equal(thrown(() => assertUserName(ok)).code, 'none', ok);
    for (const bad of ['', 'Dana', '1a', 'a..b', 'a b', `a${'b'.repeat(40)}`, 'a/b', 5, null]) {
      assert.equal(thrown(() => assertUserName(bad)).code, 'INVALID_USER_NAME', String(bad));
    }
    assert.ok(thrown(() => assertUserName('X'.repeat(100))).message.startsWith(`"${'X'.repeat(60)}" is not a valid user name`));
  });

  it('addUser: developer by default, a token that authenticates, the password setter called, the event recorded', async () => {
    const named: string[] = [];
    const r = await access.addUser({ name: 'dana', role: undefined, by: 'root', setPassword: async (n) => { named.push(n); } });
    assert.equal(r.user.role, 'developer');
    assert.deepEqual(named, ['dana']);
    assert.match(r.token, /^berth_[A-Za-z0-9_-]{32}$/);
    assert.deepEqual(store.access.userOfToken(hashToken(r.token), new Date().toISOString()), r.user);
    assert.deepEqual(access.tokens(r.user).map((t) => [t.name, t.expiresAt]), [['default', null]]);
    assert.deepEqual(events.at(-1), { app: null, message: 'user dana added as developer', user: 'root' });
    assert.equal((await access.addUser({ name: 'vic', role: 'viewer', by: null })).user.role, 'viewer');
  });

  it('addUser refuses a bad role, a taken name and a bad name, and records nothing for them', async () => {
    const before = events.length;
    assert.deepEqual(await rejected(access.addUser({ name: 'x', role: 'root', by: null })), { code: 'INVALID_ROLE', message: '"root" is not a role: use admin, developer or viewer.' });
    assert.equal((await rejected(access.addUser({ name: 'x', role: 5, by: null }))).code, 'INVALID_ROLE');
    assert.deepEqual(await rejected(access.addUser({ name: 'root', role: 'viewer', by: null })), { code: 'USER_EXISTS', message: 'A user named "root" exists already.' });
    assert.equal((await rejected(access.addUser({ name: 'Root', role: 'viewer', by: null }))).code, 'INVALID_USER_NAME');
    assert.equal(events.length, before);
    assert.deepEqual(access.listUsers().map((u) => u.name), ['root']);
  });

  it('authorize follows can(): developers change only their collaborations', async () => {
    const dev = (await access.addUser({ name: 'dana', role: 'developer', by: null })).user;
    access.addCollaborator('shop', 'dana', 'root');
    assert.equal(access.can(dev, 'write', 'shop'), true);
    assert.equal(access.can(dev, 'write', 'blog'), false);
    assert.equal(thrown(() => access.authorize(dev, 'write', 'shop')).code, 'none');
    assert.deepEqual(thrown(() => access.authorize(dev, 'write', 'blog')),
      { code: 'FORBIDDEN', message: 'User "dana" (developer) may not change app "blog": ask an admin to run `berth apps:collaborators:add blog dana`.' });
    assert.equal(thrown(() => access.authorize(admin, 'admin', null)).code, 'none');
  });

  it('visibleApps: all for admins and viewers, collaborations for developers', async () => {
    const apps = [{ name: 'shop' }, { name: 'blog' }];
    const dev = (await access.addUser({ name: 'dana', role: 'developer', by: null })).user;
    const viewer = (await access.addUser({ name: 'vic', role: 'viewer', by: null })).user;
    access.addCollaborator('blog', 'dana', null);
    assert.deepEqual(access.visibleApps(admin, apps), apps);
    assert.deepEqual(access.visibleApps(viewer, apps), apps);
    assert.deepEqual(access.visibleApps(dev, apps), [{ name: 'blog' }]);
    assert.notEqual(access.visibleApps(admin, apps), apps, 'a copy, not the caller\'s array');
  });

  it('collaborators: app and user must exist; removing one that is not there says so', async () => {
    await access.addUser({ name: 'dana', role: 'developer', by: null });
    access.addCollaborator('shop', 'dana', 'root');
    assert.deepEqual(access.collaborators('shop'), ['dana']);
    assert.deepEqual(events.at(-1), { app: 'shop', message: 'collaborator dana added', user: 'root' });
    assert.deepEqual(access.listUsers().find((u) => u.name === 'dana')?.apps, ['shop']);
    assert.deepEqual(thrown(() => access.collaborators('nope')), { code: 'APP_NOT_FOUND', message: 'App "nope" does not exist.' });
    assert.equal(thrown(() => access.addCollaborator('nope', 'dana', null)).code, 'APP_NOT_FOUND');
    assert.deepEqual(thrown(() => access.addCollaborator('shop', 'ghost', null)), { code: 'USER_NOT_FOUND', message: 'No user named "ghost".' });
    assert.deepEqual(thrown(() => access.removeCollaborator('blog', 'dana', null)), { code: 'USER_NOT_FOUND', message: '"dana" is not a collaborator on blog.' });
    assert.equal(thrown(() => access.removeCollaborator('nope', 'dana', null)).code, 'APP_NOT_FOUND');
    access.removeCollaborator('shop', 'dana', 'root');
    assert.deepEqual(access.collaborators('shop'), []);
    assert.deepEqual(events.at(-1), { app: 'shop', message: 'collaborator dana removed', user: 'root' });
  });

  it('removeUser: not yourself; ends sessions, removes the user and records it', async () => {
    const dana = (await access.addUser({ name: 'dana', role: 'developer', by: null })).user;
    assert.deepEqual(thrown(() => access.removeUser('root', admin)), { code: 'INVALID_INPUT', message: 'You cannot remove yourself; ask another admin.' });
    assert.deepEqual(ended, []);
    assert.equal(thrown(() => access.removeUser('ghost', admin)).code, 'USER_NOT_FOUND');
    access.removeUser('dana', admin);
    assert.deepEqual(ended, [dana.id]);
    assert.equal(store.access.user('dana'), null);
    assert.deepEqual(events.at(-1), { app: null, message: 'user dana removed', user: 'root' });
  });

  it('setRole: checks the name, the role, then that the user exists; not your own; the token reads the new role; recorded once', async () => {
    const r = await access.addUser({ name: 'dana', role: 'viewer', by: null });
    const before = events.length;
    assert.deepEqual(thrown(() => access.setRole('ghost', 'boss', admin)), { code: 'INVALID_ROLE', message: '"boss" is not a role: use admin, developer or viewer.' });
    assert.equal(thrown(() => access.setRole('Bad Name', 'boss', admin)).code, 'INVALID_USER_NAME');
    assert.equal(thrown(() => access.setRole('ghost', 'viewer', admin)).code, 'USER_NOT_FOUND');
    assert.deepEqual(thrown(() => access.setRole('root', 'viewer', admin)), { code: 'INVALID_INPUT', message: 'You cannot change your own role; ask another admin.' });
    assert.equal(store.access.user('root')!.role, 'admin');
    assert.equal(events.length, before);
    assert.deepEqual(access.setRole('dana', 'developer', admin), { ...r.user, role: 'developer' });
    assert.equal(store.access.userOfToken(hashToken(r.token), new Date().toISOString())!.role, 'developer');
    assert.deepEqual(events.at(-1), { app: null, message: 'user dana is now developer (was viewer)', user: 'root' });
    access.setRole('dana', 'developer', admin);
    assert.equal(events.length, before + 1, 'no change, no event');
  });

  it('keysSubject: yourself by default or by name; another user only for an admin', async () => {
    const dana = (await access.addUser({ name: 'dana', role: 'developer', by: null })).user;
    assert.deepEqual(access.keysSubject(dana, undefined), dana);
    assert.deepEqual(access.keysSubject(dana, 'dana'), dana);
    assert.deepEqual(thrown(() => access.keysSubject(dana, 'root')), { code: 'FORBIDDEN', message: 'Only admins manage other users\' keys.' });
    assert.deepEqual(access.keysSubject(admin, 'dana'), dana);
    assert.equal(thrown(() => access.keysSubject(admin, 'ghost')).code, 'USER_NOT_FOUND');
  });

  it('tokens: named, 1–3650 days, listed without values, revoked by name', () => {
    const t = access.createToken(admin, { name: 'ci.deploy-1', expiresInDays: 30 });
    const info = access.tokens(admin).find((x) => x.name === 'ci.deploy-1')!;
    const days = (Date.parse(info.expiresAt!) - Date.now()) / 86_400_000;
    assert.ok(days > 29.99 && days <= 30, String(days));
    assert.deepEqual(store.access.userOfToken(hashToken(t), new Date().toISOString()), admin);
    assert.equal(access.tokens(admin).find((x) => x.name === 'forever') ?? null, null);
    access.createToken(admin, { name: 'forever', expiresInDays: undefined });
    assert.equal(access.tokens(admin).find((x) => x.name === 'forever')!.expiresAt, null);
    access.createToken(admin, { name: 'max', expiresInDays: '3650' });
    access.createToken(admin, { name: 'min', expiresInDays: 1 });
    for (const days of [0, 3651, 1.5, 'x', -1]) {
      assert.deepEqual(thrown(() => access.createToken(admin, { name: 'n', expiresInDays: days })),
        { code: 'INVALID_INPUT', message: '"expiresInDays" must be a whole number of days, 1–3650.' }, String(days));
    }
    for (const name of ['', '.a', 'a..b', 'a b', 'x'.repeat(41), 5]) {
      assert.equal(thrown(() => access.createToken(admin, { name, expiresInDays: null })).code, 'INVALID_TOKEN_NAME', String(name));
    }
    assert.equal(thrown(() => access.createToken(admin, { name: `A${'b'.repeat(39)}`, expiresInDays: null })).code, 'none');
    access.revokeToken(admin, 'ci.deploy-1');
    assert.equal(store.access.userOfToken(hashToken(t), new Date().toISOString()), null);
    assert.deepEqual(thrown(() => access.revokeToken(admin, 'ci.deploy-1')), { code: 'TOKEN_NOT_FOUND', message: 'You have no token named "ci.deploy-1".' });
    assert.equal(thrown(() => access.revokeToken(admin, 5)).code, 'TOKEN_NOT_FOUND');
  });

  it('deploy tokens: push:<app>/deploy:<app> of an app the maker can deploy; 90 days; only their app and action; expired ones refused', async () => {
    const dev = (await access.addUser({ name: 'dev', role: 'developer', by: null })).user;
    access.addCollaborator('shop', 'dev', null);
    const users = new UsersService(store.users, store.access);
    const push = access.createToken(dev, { name: 'ci-push', expiresInDays: null, scope: 'push:shop' });
    const deploy = access.createToken(dev, { name: 'ci-deploy', expiresInDays: 7, scope: 'deploy:shop' });
    const days = (name: string) => (Date.parse(access.tokens(dev).find((t) => t.name === name)!.expiresAt!) - Date.now()) / 86_400_000;
    assert.ok(days('ci-push') > 89.99 && days('ci-push') <= 90, 'default 90 days');
    assert.ok(days('ci-deploy') > 6.99 && days('ci-deploy') <= 7);
    assert.deepEqual(thrown(() => access.createToken(dev, { name: 'x', expiresInDays: null, scope: 'push:blog' })).code, 'FORBIDDEN', 'not a collaborator of blog');
    assert.deepEqual(thrown(() => access.createToken(dev, { name: 'x', expiresInDays: null, scope: 'deploy:nosuch' })).code, 'APP_NOT_FOUND');
    assert.deepEqual(thrown(() => access.createToken(dev, { name: 'x', expiresInDays: null, scope: 'build:shop' })).code, 'INVALID_INPUT');
    assert.deepEqual(users.authenticate(push, { app: 'shop', action: 'push' }), dev);
    assert.deepEqual(users.authenticate(deploy, apiUse('POST', '/apps/shop/git-sync')), dev);
    assert.deepEqual(users.authenticate(deploy, apiUse('GET', '/apps/shop/builds/12/log')), dev);
    for (const [token, use] of [
      [push, { app: 'blog', action: 'push' }], [push, { app: 'shop', action: null }], [push, apiUse('POST', '/apps/shop/git-sync')],
      [deploy, apiUse('POST', '/apps/blog/git-sync')], [deploy, apiUse('GET', '/apps/shop/config')], [deploy, apiUse('DELETE', '/apps/shop')],
      [deploy, { app: 'shop', action: 'push' }], [deploy, NO_DEPLOY_USE],
    ] as const) assert.equal(thrown(() => users.authenticate(token, use)).code, 'FORBIDDEN', JSON.stringify(use));
    // An expired deploy token is no token at all.
    const old = 'berth_expired-deploy-token';
    store.access.addToken(dev.id, { hash: hashToken(old), name: 'old', expiresAt: new Date(Date.now() - 1000).toISOString(), scope: 'push:shop' });
    assert.equal(thrown(() => users.authenticate(old, { app: 'shop', action: 'push' })).code, 'UNAUTHENTICATED');
    access.revokeToken(dev, 'ci-push');
    assert.equal(thrown(() => users.authenticate(push, { app: 'shop', action: 'push' })).code, 'UNAUTHENTICATED');
  });

  it('ssh keys: OpenSSH public keys only, one name and one key per user, found by fingerprint, removed by name', async () => {
    const dana = (await access.addUser({ name: 'dana', role: 'developer', by: null })).user;
    const line = sshKeyLine();
    const key = access.addSshKey(dana, { name: 'laptop', publicKey: `  ${line}\n` });
    assert.equal(key.name, 'laptop');
    assert.match(key.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.deepEqual(access.userOfSshKey(key.fingerprint), dana);
    assert.deepEqual(access.sshKeys(dana).map((k) => k.name), ['laptop']);
    assert.deepEqual(access.sshKeys(null).map((k) => k.name), ['laptop']);
    assert.deepEqual(access.sshKeys(admin), []);
    assert.deepEqual(events.at(-1), { app: null, message: `ssh key laptop (${key.fingerprint}) added for dana`, user: 'dana' });
    assert.equal(thrown(() => access.addSshKey(dana, { name: 'again', publicKey: line })).code, 'SSH_KEY_EXISTS');
    assert.deepEqual(thrown(() => access.addSshKey(dana, { name: 'laptop', publicKey: sshKeyLine() })),
      { code: 'SSH_KEY_EXISTS', message: 'That key, or a key named "laptop", is registered already.' });
    for (const bad of ['ssh-ed25519 AAAA', 'not a key', `${line}\nssh-rsa AAAA`, 5, `${line} ${'c'.repeat(8192)}`]) {
      assert.equal(thrown(() => access.addSshKey(dana, { name: 'k2', publicKey: bad })).code, 'INVALID_SSH_KEY', String(bad).slice(0, 20));
    }
    for (const name of ['', 'a b', 5]) {
      assert.deepEqual(thrown(() => access.addSshKey(dana, { name, publicKey: sshKeyLine() })), { code: 'INVALID_INPUT', message: '"name" must be 1–40 letters, digits, . _ -.' });
    }
    assert.deepEqual(thrown(() => access.removeSshKey(admin, 'laptop')), { code: 'SSH_KEY_NOT_FOUND', message: 'No SSH key named "laptop" for root.' });
    assert.equal(thrown(() => access.removeSshKey(dana, 7)).code, 'SSH_KEY_NOT_FOUND');
    access.removeSshKey(dana, 'laptop');
    assert.equal(access.userOfSshKey(key.fingerprint), null);
    assert.deepEqual(events.at(-1), { app: null, message: 'ssh key laptop removed for dana', user: 'dana' });
  });

  it('secrets and services: admins, and developers of the app or of an app the service is linked to; viewers read service info only', async () => {
    const dev = (await access.addUser({ name: 'dana', role: 'developer', by: null })).user;
    const viewer = (await access.addUser({ name: 'vic', role: 'viewer', by: null })).user;
    access.addCollaborator('shop', 'dana', null);
    assert.equal(access.canSeeSecrets(admin, 'blog'), true);
    assert.equal(access.canSeeSecrets(dev, 'shop'), true);
    assert.equal(access.canSeeSecrets(dev, 'blog'), false);
    assert.equal(access.canSeeSecrets(viewer, 'shop'), false);
    assert.equal(access.canUseService(admin, 'redis', 'other'), true);
    assert.equal(access.canUseService(dev, 'postgres', 'shopdb'), true);
    assert.equal(access.canUseService(dev, 'postgres', 'other'), false);
    assert.equal(access.canUseService(dev, 'redis', 'shopdb'), false);
    assert.equal(access.canUseService(viewer, 'postgres', 'shopdb'), false);
    const svc = (user: UserRecord, action: Action, rest: string) => thrown(() => access.authorizeService(user, { plugin: 'postgres', name: 'shopdb', action, rest }));
    assert.equal(svc(admin, 'write', '/logs').code, 'none');
    assert.equal(svc(dev, 'read', '/logs').code, 'none');
    assert.deepEqual(svc(dev, 'write', ''), { code: 'FORBIDDEN', message: 'User "dana" (developer) may not change berth-wide settings: only admins can.' });
    assert.deepEqual(thrown(() => access.authorizeService(dev, { plugin: 'postgres', name: 'other', action: 'read', rest: '' })),
      { code: 'FORBIDDEN', message: 'User "dana" (developer) may not use service postgres/other: it is not linked to an app you collaborate on.' });
    assert.equal(svc(viewer, 'read', '').code, 'none');
    assert.deepEqual(svc(viewer, 'read', '/logs'), { code: 'FORBIDDEN', message: 'User "vic" (viewer) may not read the logs of service postgres/shopdb: viewers see no service data or credentials.' });
    assert.deepEqual(svc(viewer, 'read', '/'), { code: 'FORBIDDEN', message: 'User "vic" (viewer) may not read the data of service postgres/shopdb: viewers see no service data or credentials.' });
    assert.equal(svc(viewer, 'write', '').code, 'FORBIDDEN');
  });

  it('ssh sessions: a one-day token, known as an ssh session until it ends, then revoked', () => {
    const token = access.startSshSession(admin, 'ssh-1');
    assert.equal(access.isSshSessionToken(token), true);
    assert.equal(access.isSshSessionToken(null), false);
    assert.equal(access.isSshSessionToken('berth_other'), false);
    const info = access.tokens(admin).find((t) => t.name === 'ssh-1')!;
    const days = (Date.parse(info.expiresAt!) - Date.now()) / 86_400_000;
    assert.ok(days > 0.99 && days <= 1, String(days));
    assert.deepEqual(store.access.userOfToken(hashToken(token), new Date().toISOString()), admin);
    access.endSshSession(admin, 'ssh-1', token);
    assert.equal(access.isSshSessionToken(token), false);
    assert.equal(store.access.userOfToken(hashToken(token), new Date().toISOString()), null);
  });

  it('requireUser checks the name before looking it up', () => {
    assert.deepEqual(access.requireUser('root'), admin);
    assert.equal(thrown(() => access.requireUser('Root')).code, 'INVALID_USER_NAME');
    assert.deepEqual(thrown(() => access.requireUser('ghost')), { code: 'USER_NOT_FOUND', message: 'No user named "ghost".' });
  });
});
