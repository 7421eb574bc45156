import assert from 'node:assert/strict';
import { CookieClient, csrfIn } from '../support/dashboard-session';
import { PASSWORD, type Tenant } from './tenant';

/**
 * Express matched routes in any case (and with a trailing slash) while the permission check read
 * the lowercase spelling: `/api/v1/APPS/<other>/config` read another app's secrets, `/apps/<own>/Collaborators`
 * let a developer add collaborators, dashboard `/apps/<own>/Services/link` linked any service.
 */
export function routeCaseAttacks(t: () => Tenant): void {
  describe('no path spelling skips the authorization layer', () => {
    it('API: other spellings of forbidden routes are 404 NOT_FOUND; the canonical one is 403 FORBIDDEN; nothing changes', async () => {
      const { appA, appB, dev, viewer } = t();
      const before = (await t().berth.api('GET', `/api/v1/apps/${appA}/collaborators`)).json.collaborators;
      // A path the authorization layer reads as app B's is refused for B (403) in any spelling;
      // other spellings match no route (case-sensitive, strict): 404, where they used to answer.
      const spellings: [string, string, unknown, number, string][] = [
        ['GET', `/api/v1/APPS/${appB}/config`, undefined, 404, 'NOT_FOUND'],
        ['GET', `/api/v1/Apps/${appB}/config`, undefined, 404, 'NOT_FOUND'],
        ['GET', `/api/v1//apps/${appB}/config`, undefined, 404, 'NOT_FOUND'],
        ['GET', `/api/v1/apps/${appB}/CONFIG`, undefined, 403, 'FORBIDDEN'],
        ['GET', `/api/v1/apps/${appB}/config/`, undefined, 403, 'FORBIDDEN'],
        ['GET', '/api/v1/Users', undefined, 404, 'NOT_FOUND'],
        ['GET', '/api/v1/users/', undefined, 403, 'FORBIDDEN'],
        ['GET', '/api/v1/EVENTS', undefined, 404, 'NOT_FOUND'],
        ['POST', `/api/v1/apps/${appA}/Collaborators`, { user: viewer.name }, 404, 'NOT_FOUND'],
        ['POST', `/api/v1/apps/${appA}/collaborators/`, { user: viewer.name }, 403, 'FORBIDDEN'],
      ];
      for (const [method, p, body, status, code] of spellings) {
        const r = await t().api(dev.token, method, p, body);
        assert.equal(r.status, status, `${method} ${p}: ${r.text}`);
        assert.equal(r.json?.error?.code, code, `${method} ${p}`);
      }
      for (const [method, p, body] of [
        ['GET', `/api/v1/apps/${appB}/config`], ['GET', '/api/v1/users'], ['GET', '/api/v1/events'],
        ['POST', `/api/v1/apps/${appA}/collaborators`, { user: viewer.name }],
      ] as [string, string, unknown?][]) {
        const r = await t().api(dev.token, method, p, body);
        assert.equal(r.status, 403, `${method} ${p}: ${r.text}`);
        assert.equal(r.json.error.code, 'FORBIDDEN', `${method} ${p}`);
      }
      assert.deepEqual((await t().berth.api('GET', `/api/v1/apps/${appA}/collaborators`)).json.collaborators, before);
    });

    it('dashboard: /apps/<own>/Services/link is 404, the canonical spelling 403; nothing is linked', async () => {
      const { berth, appA, dev } = t();
      const browser = new CookieClient(berth.url);
      const page = await browser.request('GET', '/login');
      await browser.request('POST', '/login', { _csrf: csrfIn(page.text), username: dev.name, password: PASSWORD, next: '/' });
      assert.ok(browser.cookies.has('berth_session'), 'the developer is logged in');
      const appPage = await browser.request('GET', `/apps/${appA}`);
      assert.equal(appPage.status, 200);
      const csrf = csrfIn(appPage.text);
      const form = { _csrf: csrf, plugin: 'redis', service: 'anything' };
      const odd = await browser.request('POST', `/apps/${appA}/Services/link`, form);
      assert.equal(odd.status, 404);
      assert.match(odd.text, /NOT_FOUND/);
      const canonical = await browser.request('POST', `/apps/${appA}/services/link`, form);
      assert.equal(canonical.status, 403);
      assert.match(canonical.text, /FORBIDDEN/);
    });

    it('git: a viewer cannot pass a push for a read (repeated service= is 400; receive-pack 403; /GIT is no git route)', async () => {
      const { berth, appA, viewer } = t();
      const auth = { authorization: `Basic ${Buffer.from(`berth:${viewer.token}`).toString('base64')}` };
      const get = async (p: string) => {
        const res = await fetch(`${berth.url}${p}`, { headers: auth, redirect: 'manual' });
        return { status: res.status, text: await res.text() };
      };
      const twice = await get(`/git/${appA}.git/info/refs?service=git-receive-pack&service=git-upload-pack`);
      assert.deepEqual([twice.status, twice.text], [400, 'berth: Send one service= parameter (git-upload-pack or git-receive-pack). (INVALID_INPUT)\n']);
      const push = await get(`/git/${appA}.git/info/refs?service=git-receive-pack`);
      assert.equal(push.status, 403, push.text);
      assert.match(push.text, /\(viewer\) may not change app/);
      assert.equal((await get(`/GIT/${appA}.git/info/refs?service=git-receive-pack`)).status, 302, 'not git: the dashboard sends a stranger to /login');
      assert.equal((await get(`/git/${appA}.git/info/refs?service=git-upload-pack`)).status, 200, 'reading is a viewer\'s right');
    });
  });
}
