import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { DashboardSession, csrfIn } from '../support/dashboard-session';

const PASSWORD = 'correct horse battery';
const DAY = 86_400_000;

/** An OpenSSH ed25519 public key line, made here. */
function sshKeyLine(comment: string): string {
  const { publicKey } = crypto.generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const part = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([part(Buffer.from('ssh-ed25519')), part(raw)]).toString('base64')} ${comment}`;
}

const decode = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** The flash message the page after a form's redirect shows. */
async function flashAfter(b: DashboardSession, res: { status: number; location: string | null }): Promise<string> {
  assert.equal(res.status, 303);
  const page = await b.get(res.location!);
  return decode(/<p class="flash[^"]*"[^>]*>([^<]*)<\/p>/.exec(page.text)?.[1] ?? '(no flash)');
}

/**
 * Acting from the browser on people and access (issue 21): API tokens, SSH keys, users with their
 * roles, and app collaborators, each through forms with a session + CSRF, and each misused by a
 * developer or a viewer, whose refusal is exact.
 */
describe('dashboard: tokens, SSH keys, users and collaborators', function () {
  this.timeout(120_000);
  const berth = useBerth({ BERTH_ADMIN_PASSWORD: PASSWORD });
  const dev = uniqueName('dev');
  const viewer = uniqueName('view');
  const app = uniqueName('dppl');
  let admin: DashboardSession;
  let asDev: DashboardSession;
  let asViewer: DashboardSession;

  before(async () => {
    for (const [name, role] of [[dev, 'developer'], [viewer, 'viewer']]) {
      const add = berth.cli(['users:add', name, '--role', role, '--password'], { input: `${PASSWORD}\n` });
      assert.equal(add.code, 0, add.stderr);
    }
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
    [admin, asDev, asViewer] = [new DashboardSession(berth.url), new DashboardSession(berth.url), new DashboardSession(berth.url)];
    await admin.login(PASSWORD);
    await asDev.login(PASSWORD, dev);
    await asViewer.login(PASSWORD, viewer);
  });

  const whoami = async (token: string) => (await berth.api('GET', '/api/v1/whoami', undefined, token));

  it('an API token made on /tokens is shown once, expires when asked, works, and is revoked after a confirmation', async () => {
    const page = await admin.get('/tokens');
    assert.equal(page.status, 200);
    assert.match(page.text, /href="\/tokens"[^>]*aria-current="page"/);
    const made = await admin.request('POST', '/tokens', { name: 'ci-laptop', expiresInDays: '30', _csrf: csrfIn(page.text) });
    assert.equal(made.status, 201);
    const token = /id="new-token" class="mono" readonly value="(berth_[^"]+)"/.exec(made.text)?.[1];
    assert.ok(token, 'the secret is on the answer');
    assert.deepEqual((await whoami(token)).json, { user: { name: 'admin', role: 'admin' } });
    const listed = (await berth.api('GET', '/api/v1/tokens', undefined, token)).json.tokens.find((t: { name: string }) => t.name === 'ci-laptop');
    assert.equal(Math.round((Date.parse(listed.expiresAt) - Date.parse(listed.createdAt)) / DAY), 30);
    const again = await admin.get('/tokens');
    assert.ok(!again.text.includes(token), 'never shown again');
    assert.match(again.text, new RegExp(`<tr data-token-name="ci-laptop">[\\s\\S]*?<time datetime="${listed.expiresAt}">${listed.expiresAt.slice(0, 10)}</time>`));

    const confirm = await admin.get('/tokens/revoke?name=ci-laptop');
    assert.equal(confirm.status, 200);
    assert.match(decode(confirm.text), /The token named ci-laptop stop working at once: the CLI, scripts and git pushes using it get 401\./);
    assert.equal((await whoami(token)).status, 200, 'the confirmation page changes nothing');
    const revoked = await admin.request('POST', '/tokens/revoke', { name: 'ci-laptop', _csrf: csrfIn(confirm.text) });
    assert.equal(await flashAfter(admin, revoked), 'Revoked the token ci-laptop.');
    assert.equal((await whoami(token)).status, 401);

    const bad = await admin.request('POST', '/tokens', { name: 'x', expiresInDays: '0', _csrf: csrfIn(page.text) });
    assert.equal(await flashAfter(admin, bad), '"expiresInDays" must be a whole number of days, 1–3650.');
  });

  it('a developer cannot revoke another user\'s token, by form or confirmation page', async () => {
    const own = await admin.request('POST', '/tokens', { name: 'shared-name', _csrf: csrfIn((await admin.get('/tokens')).text) });
    const token = /value="(berth_[^"]+)"/.exec(own.text)![1];
    const page = await asDev.get('/tokens');
    assert.doesNotMatch(page.text, /shared-name/, 'a developer sees only their own tokens');
    const confirm = await asDev.get('/tokens/revoke?name=shared-name');
    assert.equal(confirm.status, 404);
    assert.match(confirm.text, /TOKEN_NOT_FOUND/);
    const post = await asDev.request('POST', '/tokens/revoke', { name: 'shared-name', user: 'admin', _csrf: csrfIn(page.text) });
    assert.equal(await flashAfter(asDev, post), 'You have no token named "shared-name".');
    assert.equal((await whoami(token)).status, 200, "the admin's token still works");
  });

  it('SSH keys: a developer adds and sees only their own; naming another user is 403; an admin sees and removes everyone\'s', async () => {
    const page = await asDev.get('/ssh-keys');
    assert.doesNotMatch(page.text, /name="user"/, 'no user picker for a developer');
    const key = sshKeyLine('dev@laptop');
    const added = await asDev.request('POST', '/ssh-keys', { name: 'laptop', key, _csrf: csrfIn(page.text) });
    assert.match(await flashAfter(asDev, added), new RegExp(`^Added the SSH key laptop \\(SHA256:[A-Za-z0-9+/]+\\) for ${dev}\\.$`));
    const adminKey = sshKeyLine('admin@desk');
    assert.equal((await berth.api('POST', '/api/v1/ssh-keys', { name: 'desk', key: adminKey })).status, 201);
    const mine = await asDev.get('/ssh-keys');
    assert.match(mine.text, new RegExp(`data-ssh-key="${dev}/laptop"`));
    assert.doesNotMatch(mine.text, /data-ssh-key="admin\//);

    const forAdmin = await asDev.request('POST', '/ssh-keys', { name: 'planted', key: sshKeyLine('x'), user: 'admin', _csrf: csrfIn(mine.text) });
    assert.equal(forAdmin.status, 403);
    assert.match(decode(forAdmin.text), /Only admins manage other users' keys\./);
    assert.equal((await asDev.get('/ssh-keys/remove?name=desk&user=admin')).status, 403);
    const removeAdmins = await asDev.request('POST', '/ssh-keys/remove', { name: 'desk', user: 'admin', _csrf: csrfIn(mine.text) });
    assert.equal(removeAdmins.status, 403);
    const adminKeys = (await berth.api('GET', '/api/v1/ssh-keys')).json.keys.map((k: { name: string }) => k.name);
    assert.deepEqual(adminKeys, ['desk'], 'the admin keeps exactly their key; nothing planted');

    const all = await admin.get('/ssh-keys');
    assert.match(all.text, new RegExp(`data-ssh-key="${dev}/laptop"`));
    const confirm = await admin.get(`/ssh-keys/remove?name=laptop&user=${dev}`);
    assert.match(decode(confirm.text), new RegExp(`no longer opens git push or berth commands over SSH for ${dev}\\.`));
    const removed = await admin.request('POST', '/ssh-keys/remove', { name: 'laptop', user: dev, _csrf: csrfIn(confirm.text) });
    assert.equal(await flashAfter(admin, removed), `Removed the SSH key laptop of ${dev}.`);
    assert.deepEqual((await berth.api('GET', `/api/v1/ssh-keys?user=${dev}`)).json.keys, []);
  });

  it('users: an admin adds one (token shown once, password signs in), changes the role and removes them after a confirmation', async () => {
    const name = uniqueName('new');
    const page = await admin.get('/users');
    assert.equal(page.status, 200);
    const made = await admin.request('POST', '/users', { name, role: 'viewer', password: PASSWORD, _csrf: csrfIn(page.text) });
    assert.equal(made.status, 201);
    const token = /id="new-user-token" class="mono" readonly value="(berth_[^"]+)"/.exec(made.text)![1];
    assert.deepEqual((await whoami(token)).json, { user: { name, role: 'viewer' } });
    const them = new DashboardSession(berth.url);
    await them.login(PASSWORD, name);

    const users = await admin.get('/users');
    assert.match(users.text, new RegExp(`<form method="get" action="/users/role" class="inline">\\s*<input type="hidden" name="name" value="${name}">`));
    const ask = await admin.get(`/users/role?name=${name}&role=developer`);
    assert.deepEqual([...decode(ask.text).matchAll(/<li data-effect>([^<]*)<\/li>/g)].map((m) => m[1]), [
      `${name} is a viewer now. From their next request they may change only the apps they collaborate on (none yet) and read berth-wide lists; other apps disappear from their view.`,
      'Their tokens, SSH keys and dashboard sessions stay, with the new role.',
    ]);
    assert.deepEqual((await whoami(token)).json, { user: { name, role: 'viewer' } }, 'the confirmation changes nothing');
    const role = await admin.request('POST', '/users/role', { name, role: 'developer', _csrf: csrfIn(ask.text) });
    assert.equal(await flashAfter(admin, role), `${name} is now developer.`);
    assert.deepEqual((await whoami(token)).json, { user: { name, role: 'developer' } });
    const self = await admin.request('POST', '/users/role', { name: 'admin', role: 'viewer', _csrf: csrfIn(page.text) });
    assert.equal(await flashAfter(admin, self), 'You cannot change your own role; ask another admin.');

    const confirm = await admin.get(`/users/remove?name=${name}`);
    const effects = [...decode(confirm.text).matchAll(/<li data-effect>([^<]*)<\/li>/g)].map((m) => m[1]);
    assert.deepEqual(effects, [
      `${name} (developer) can no longer sign in: their dashboard sessions end at once.`,
      'Their 1 API token and 0 SSH keys stop working and are deleted.',
      'They collaborate on no app.',
    ]);
    const removed = await admin.request('POST', '/users/remove', { name, _csrf: csrfIn(confirm.text) });
    assert.equal(await flashAfter(admin, removed), `Removed the user ${name}.`);
    assert.equal((await whoami(token)).status, 401);
    assert.equal((await them.get('/')).status, 302, 'their session ended');
  });

  it('users:role (CLI, PATCH /api/v1/users/:name) gives another role; a developer asking for admin is 403 FORBIDDEN', async () => {
    const name = uniqueName('rl');
    assert.equal(berth.cli(['users:add', name, '--role', 'viewer']).code, 0);
    const out = berth.cli(['users:role', name, 'developer']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, `-----> ${name} is now developer\n`);
    const devToken = (await berth.api('POST', '/api/v1/users', { name: uniqueName('dt'), role: 'developer' })).json.token;
    const escalate = await berth.api('PATCH', `/api/v1/users/${name}`, { role: 'admin' }, devToken);
    assert.equal(escalate.status, 403);
    assert.equal(escalate.json.error.code, 'FORBIDDEN');
    const users = (await berth.api('GET', '/api/v1/users')).json.users as Array<{ name: string; role: string }>;
    assert.equal(users.find((u) => u.name === name)!.role, 'developer');
  });

  it('a developer and a viewer get no Users page, no user forms, and 403 FORBIDDEN when they post them anyway', async () => {
    for (const [s, name, role] of [[asDev, dev, 'developer'], [asViewer, viewer, 'viewer']] as const) {
      const home = await s.get('/');
      assert.doesNotMatch(home.text, /href="\/users"/);
      const page = await s.get('/users');
      assert.equal(page.status, 403);
      // The browser's error page says it in the words of what was tried (dashboard/browser-errors.ts).
      assert.match(decode(page.text), new RegExp(`You are signed in as ${name} \\(${role}\\) and may not manage users\\.`));
      assert.equal((await s.get(`/users/role?name=${name}&role=admin`)).status, 403);
      const csrf = csrfIn(home.text);
      const escalate = await s.request('POST', '/users/role', { name, role: 'admin', _csrf: csrf });
      assert.equal(escalate.status, 403);
      assert.match(escalate.text, /FORBIDDEN/);
      assert.equal((await s.request('POST', '/users', { name: uniqueName('sneak'), role: 'admin', _csrf: csrf })).status, 403);
      assert.equal((await s.request('POST', '/users/remove', { name: 'admin', _csrf: csrf })).status, 403);
    }
    const users = (await berth.api('GET', '/api/v1/users')).json.users as Array<{ name: string; role: string }>;
    assert.equal(users.find((u) => u.name === dev)!.role, 'developer');
    assert.equal(users.find((u) => u.name === viewer)!.role, 'viewer');
    assert.ok(users.some((u) => u.name === 'admin'));
    assert.ok(!users.some((u) => u.name.startsWith('sneak')));
  });

  it('collaborators: an admin adds a developer (who then sees the app) and removes them after a confirmation; others only read', async () => {
    assert.equal((await asDev.get(`/apps/${app}`)).status, 403, 'not a collaborator yet');
    const page = await admin.get(`/apps/${app}/collaborators`);
    assert.match(page.text, new RegExp(`<option>${dev}</option>`));
    assert.doesNotMatch(page.text, new RegExp(`<option>${viewer}</option>`), 'viewers are not offered');
    const added = await admin.request('POST', `/apps/${app}/collaborators`, { user: dev, _csrf: csrfIn(page.text) });
    assert.equal(await flashAfter(admin, added), `${dev} now collaborates on ${app}: they may deploy it and change its config.`);
    assert.equal((await asDev.get(`/apps/${app}`)).status, 200);

    for (const s of [asDev, asViewer]) {
      const list = await s.get(`/apps/${app}/collaborators`);
      assert.equal(list.status, 200);
      assert.match(list.text, new RegExp(`data-collaborator="${dev}"`));
      assert.doesNotMatch(list.text, /Remove…|action="\/apps\/[^"]+\/collaborators"/, 'no action for a non-admin');
      assert.equal((await s.get(`/apps/${app}/collaborators/remove?user=${dev}`)).status, 403);
      const csrf = csrfIn(list.text);
      const addSelf = await s.request('POST', `/apps/${app}/collaborators`, { user: viewer, _csrf: csrf });
      assert.equal(addSelf.status, 403);
      assert.match(addSelf.text, /FORBIDDEN/);
      assert.equal((await s.request('POST', `/apps/${app}/collaborators/remove`, { user: dev, _csrf: csrf })).status, 403);
    }
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${app}/collaborators`)).json.collaborators, [dev]);

    const confirm = await admin.get(`/apps/${app}/collaborators/remove?user=${dev}`);
    assert.match(decode(confirm.text), new RegExp(`${dev} can no longer see, deploy or change ${app}`));
    const removed = await admin.request('POST', `/apps/${app}/collaborators/remove`, { user: dev, _csrf: csrfIn(confirm.text) });
    assert.equal(await flashAfter(admin, removed), `Removed ${dev} from ${app}.`);
    assert.equal((await asDev.get(`/apps/${app}`)).status, 403);
  });
});
