import assert from 'node:assert/strict';
import http from 'node:http';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { CookieClient } from '../support/dashboard-session';

/** The dashboard as a browser sees it; `login` returns the answer, whatever it is. */
class Browser extends CookieClient {
  async login(user: string, password: string) {
    const page = await this.request('GET', '/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    return this.request('POST', '/login', { _csrf: csrf, username: user, password, next: '/' });
  }
}

describe('users, roles, collaborators and tokens', function () {
  this.timeout(180_000);
  const mine = uniqueName('acc-mine');
  const theirs = uniqueName('acc-theirs');
  const dev = uniqueName('dev');
  const viewer = uniqueName('view');
  const PASSWORD = 'a developer password';
  let devToken = '';
  let viewerToken = '';
  let wt: WorkTree | null = null;

  after(() => { wt?.remove(); });
  const berth = useBerth();
  before(async () => {
    for (const app of [mine, theirs]) assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
    const add = berth.cli(['users:add', dev, '--role', 'developer', '--password'], { input: `${PASSWORD}\n` });
    assert.equal(add.code, 0, add.stderr);
    devToken = add.stdout.trim().split('\n').pop()!;
    assert.match(devToken, /^berth_/);
    const v = await berth.api('POST', '/api/v1/users', { name: viewer, role: 'viewer' });
    assert.equal(v.status, 201, v.text);
    viewerToken = v.json.token;
    const collab = berth.cli(['apps:collaborators:add', mine, dev]);
    assert.equal(collab.code, 0, collab.stderr);
  });

  it('lists users with roles and collaborations', () => {
    const list = berth.cli(['users:list', '--json']);
    const users = JSON.parse(list.stdout).users as Array<{ name: string; role: string; apps: string[] }>;
    assert.deepEqual(users.find((u) => u.name === dev), { ...users.find((u) => u.name === dev), role: 'developer', apps: [mine] });
    assert.equal(users.find((u) => u.name === viewer)?.role, 'viewer');
  });

  it('a developer reads and changes only the apps they collaborate on (API)', async () => {
    const apps = await berth.api('GET', '/api/v1/apps', undefined, devToken);
    assert.deepEqual(apps.json.apps.map((a: { name: string }) => a.name), [mine]);
    assert.equal((await berth.api('GET', `/api/v1/apps/${mine}/config`, undefined, devToken)).status, 200);
    assert.equal((await berth.api('PATCH', `/api/v1/apps/${mine}/config`, { set: { A: '1' } }, devToken)).status, 200);
    for (const [method, p, body] of [
      ['GET', `/api/v1/apps/${theirs}`], ['GET', `/api/v1/apps/${theirs}/config`],
      ['PATCH', `/api/v1/apps/${theirs}/config`, { set: { A: '1' } }], ['POST', `/api/v1/apps/${theirs}/deploys`, {}],
      ['POST', `/api/v1/apps/${theirs}/ps/restart`, {}], ['DELETE', `/api/v1/apps/${theirs}`],
      ['POST', '/api/v1/apps', { name: uniqueName('dev-new') }], ['GET', '/api/v1/users'], ['GET', '/api/v1/events'],
      ['POST', `/api/v1/apps/${mine}/collaborators`, { user: viewer }],
    ] as Array<[string, string, unknown?]>) {
      const res = await berth.api(method, p, body, devToken);
      assert.equal(res.status, 403, `${method} ${p}: ${res.text}`);
      assert.equal(res.json.error.code, 'FORBIDDEN');
    }
    assert.equal((await berth.api('GET', `/api/v1/events?app=${mine}`, undefined, devToken)).status, 200);
  });

  it('berth run / enter (the upgrade endpoint) needs write access to the app', async () => {
    const status = (app: string, token: string) => new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port: berth.port, path: `/api/v1/apps/${app}/run?command=${encodeURIComponent('["true"]')}`,
        headers: { authorization: `Bearer ${token}`, connection: 'Upgrade', upgrade: 'berth-exec' },
      });
      req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('upgrade', (_res, socket) => { socket.destroy(); resolve(101); });
      req.on('error', reject);
      req.end();
    });
    assert.equal(await status(theirs, devToken), 403);
    assert.equal(await status(mine, viewerToken), 403);
    // A collaborator gets past authorization (the app has no release yet, hence not a 101).
    assert.notEqual(await status(mine, devToken), 403);
  });

  it('a viewer reads everything and changes nothing', async () => {
    for (const p of ['/api/v1/apps', `/api/v1/apps/${theirs}`, `/api/v1/apps/${mine}/config`, '/api/v1/events']) {
      assert.equal((await berth.api('GET', p, undefined, viewerToken)).status, 200, p);
    }
    for (const [method, p, body] of [
      ['PATCH', `/api/v1/apps/${mine}/config`, { set: { A: '2' } }], ['POST', '/api/v1/apps', { name: uniqueName('v-new') }],
      ['POST', `/api/v1/apps/${theirs}/ps/stop`, {}], ['DELETE', `/api/v1/apps/${theirs}`], ['POST', '/api/v1/users', { name: 'x', role: 'admin' }],
    ] as Array<[string, string, unknown?]>) {
      assert.equal((await berth.api(method, p, body, viewerToken)).status, 403, `${method} ${p}`);
    }
  });

  it('git over HTTP: a developer pushes only to their apps; a viewer to none', () => {
    wt = WorkTree.fromFixture('dockerfile-app');
    // A branch that is not the deploy branch: the push gets as far as berth's hook, which declines it without a build.
    const ok = wt.push(berth.url, devToken, mine, 'main:refs/heads/feature');
    assert.match(ok.output, /Only pushes to "main" deploy/, ok.output);
    const refused = wt.push(berth.url, devToken, theirs, 'main:refs/heads/feature');
    assert.notEqual(refused.code, 0);
    assert.ok(refused.output.includes(`User "${dev}" (developer) may not change app "${theirs}"`), refused.output);
    assert.doesNotMatch(refused.output, /Only pushes to/);
    // To the deploy branch, which would build and deploy: only the role check stands in the way.
    const viewerPush = wt.push(berth.url, viewerToken, mine, 'main:refs/heads/main');
    assert.notEqual(viewerPush.code, 0, viewerPush.output);
    assert.ok(viewerPush.output.includes(`User "${viewer}" (viewer) may not change app "${mine}": viewers can only read.`), viewerPush.output);
    assert.doesNotMatch(viewerPush.output, /Only pushes to|-----> Building/);
    assert.equal(wt.git(['ls-remote', berth.url.replace('http://', `http://berth:${viewerToken}@`) + `/git/${mine}.git`]).code, 0, 'a viewer can fetch');
  });

  it('the dashboard applies the same rules', async () => {
    const b = new Browser(berth.url);
    assert.equal((await b.login(dev, PASSWORD)).status, 303);
    assert.equal((await b.request('GET', `/apps/${mine}`)).status, 200);
    assert.equal((await b.request('GET', `/apps/${theirs}`)).status, 403);
    assert.equal((await b.request('GET', '/events')).status, 403);
    const overview = await b.request('GET', '/');
    assert.equal(overview.status, 200);
    assert.ok(overview.text.includes(mine) && !overview.text.includes(theirs), 'the overview lists only their apps');
  });

  it('rate-limits failed dashboard logins per address and user', async () => {
    const b = new Browser(berth.url);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await b.login(viewer, 'wrong password!')).status);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.equal(statuses[10], 429);
  });

  it('parallel wrong-password logins: at most 10 reach the password check, the rest get 429', async () => {
    const statuses = await Promise.all(Array.from({ length: 40 }, async () => (await new Browser(berth.url).login(dev, 'wrong password!')).status));
    // Each admitted attempt holds one of the user name's 10 places (the address has room for more).
    assert.equal(statuses.filter((s) => s === 401).length, 10, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 30, statuses.join(','));
  });

  it('tokens are named, listed without values, expire and can be revoked', async () => {
    const created = berth.cli(['tokens:create', 'ci', '--expires-in-days', '7', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const token = JSON.parse(created.stdout).token as string;
    assert.equal((await berth.api('GET', '/api/v1/apps', undefined, token)).status, 200);
    const list = berth.cli(['tokens:list', '--json']);
    const ci = JSON.parse(list.stdout).tokens.find((t: { name: string }) => t.name === 'ci');
    assert.ok(ci.expiresAt > new Date().toISOString());
    assert.ok(!list.stdout.includes(token), 'values are never listed');
    assert.equal(berth.cli(['tokens:revoke', 'ci']).code, 0);
    assert.equal((await berth.api('GET', '/api/v1/apps', undefined, token)).status, 401);
  });

  it('the audit trail records who and from where', async () => {
    assert.equal(berth.cli(['config:set', mine, 'FROM_CLI=1']).code, 0);
    await berth.api('PATCH', `/api/v1/apps/${mine}/config`, { set: { FROM_API: '1' } }, devToken);
    const events = (await berth.api('GET', `/api/v1/events?app=${mine}`)).json.events as Array<{ user: string; source: string; kind: string; message: string }>;
    const changes = events.filter((e) => e.kind === 'config.changed');
    assert.ok(changes.some((e) => e.source === 'cli' && e.user === 'admin'), JSON.stringify(changes));
    assert.ok(changes.some((e) => e.source === 'api' && e.user === dev), JSON.stringify(changes));
    assert.ok(events.some((e) => e.kind === 'access.changed' && /collaborator/.test(e.message)));
  });

  it('removing a user ends their tokens', async () => {
    const extra = uniqueName('gone');
    const added = await berth.api('POST', '/api/v1/users', { name: extra, role: 'viewer' });
    assert.equal((await berth.api('GET', '/api/v1/apps', undefined, added.json.token)).status, 200);
    assert.equal(berth.cli(['users:remove', extra]).code, 0);
    assert.equal((await berth.api('GET', '/api/v1/apps', undefined, added.json.token)).status, 401);
  });
});
