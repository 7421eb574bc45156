import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, uniqueName } from '../support/berth-process';
import { ensureServiceImage } from '../integration/services-support';
import { CookieClient, csrfIn } from '../support/dashboard-session';
import { PASSWORD, type Tenant } from './tenant';

/**
 * Roles that mean something: every role used to read every service's credentials and full data
 * export, and viewers every app's config values.
 */
export function roleAttacks(t: () => Tenant): void {
  describe('viewers see no secrets; developers only their apps\' services', () => {
    const service = uniqueName('sec-rd');
    const SECRET = 'tenant-secret-value';

    before(async function () {
      this.timeout(600_000);
      ensureServiceImage(path.join(ROOT, 'plugins', 'redis'));
      const { berth, appA, appB } = t();
      const made = await berth.api('POST', '/api/v1/services/redis', { name: service });
      assert.equal(made.status, 201, made.text);
      assert.equal((await berth.api('POST', `/api/v1/services/redis/${service}/links`, { app: appB })).status, 201);
      const set = await berth.api('PATCH', `/api/v1/apps/${appA}/config`, { set: { TENANT_SECRET: SECRET }, restart: false });
      assert.equal(set.status, 200, set.text);
    });
    after(async () => {
      await t()?.berth.api('DELETE', `/api/v1/services/redis/${service}`, { confirm: service, force: true });
    });

    it('a viewer reads config keys but no values, in config and in releases (API and dashboard)', async () => {
      const { appA, viewer, dev } = t();
      const config = await t().api(viewer.token, 'GET', `/api/v1/apps/${appA}/config`);
      assert.equal(config.status, 200);
      assert.equal(config.json.config.TENANT_SECRET, '[hidden]');
      assert.equal(config.text.includes(SECRET), false);
      const releases = await t().api(viewer.token, 'GET', `/api/v1/apps/${appA}/releases`);
      assert.equal(releases.status, 200);
      assert.equal(releases.text.includes(SECRET), false);
      for (const r of releases.json.releases) for (const v of Object.values(r.config)) assert.equal(v, '[hidden]');
      const browser = new CookieClient(t().berth.url);
      const login = await browser.request('GET', '/login');
      await browser.request('POST', '/login', { _csrf: csrfIn(login.text), username: viewer.name, password: PASSWORD, next: '/' });
      const page = await browser.request('GET', `/apps/${appA}/config`);
      assert.equal(page.status, 200);
      assert.match(page.text, /TENANT_SECRET/);
      assert.equal(page.text.includes(SECRET), false);
      // The app's developer does see them.
      assert.equal((await t().api(dev.token, 'GET', `/api/v1/apps/${appA}/config`)).json.config.TENANT_SECRET, SECRET);
    });

    it('a developer lists no service of other apps and cannot read, log or export one (403 FORBIDDEN)', async () => {
      const { dev } = t();
      const list = await t().api(dev.token, 'GET', '/api/v1/services/redis');
      assert.equal(list.status, 200);
      assert.deepEqual(list.json.services, []);
      for (const p of ['', '/logs', '/export']) {
        const r = await t().api(dev.token, 'GET', `/api/v1/services/redis/${service}${p}`);
        assert.equal(r.status, 403, `${p}: ${r.text.slice(0, 200)}`);
        assert.equal(r.json.error.code, 'FORBIDDEN', p);
      }
      for (const [m, p, body] of [['POST', '/links', { app: t().appA }], ['POST', '/restart', {}], ['DELETE', '', { confirm: service }]] as const) {
        const r = await t().api(dev.token, m, `/api/v1/services/redis/${service}${p}`, body);
        assert.equal(r.status, 403, `${m} ${p}`);
        assert.equal(r.json.error.code, 'FORBIDDEN', `${m} ${p}`);
      }
      const links = (await t().berth.api('GET', `/api/v1/services/redis/${service}`)).json.service.links as { app: string }[];
      assert.deepEqual(links.map((l) => l.app), [t().appB], 'links unchanged');
    });

    it('a viewer sees a service without its password and cannot read its logs or export it (403 FORBIDDEN)', async () => {
      const { viewer, berth } = t();
      const full = (await berth.api('GET', `/api/v1/services/redis/${service}`)).json.service.url as string;
      const password = /:\/\/[^:]*:([^@]+)@/.exec(full)?.[1];
      assert.ok(password && password !== '[hidden]', `the admin sees the password in ${full}`);
      const info = await t().api(viewer.token, 'GET', `/api/v1/services/redis/${service}`);
      assert.equal(info.status, 200);
      assert.equal(info.text.includes(password), false);
      assert.match(info.json.service.url, /^redis:\/\/[^:]*:\[hidden\]@/);
      const list = await t().api(viewer.token, 'GET', '/api/v1/services/redis');
      assert.equal(list.text.includes(password), false);
      for (const p of ['/logs', '/export']) {
        const r = await t().api(viewer.token, 'GET', `/api/v1/services/redis/${service}${p}`);
        assert.equal(r.status, 403, p);
        assert.equal(r.json.error.code, 'FORBIDDEN', p);
      }
    });

    it('no API answer a developer or viewer gets names a path on berth\'s host', async () => {
      const { berth, appA, dev, viewer } = t();
      const paths = ['/api/v1/apps', `/api/v1/apps/${appA}`, `/api/v1/apps/${appA}/builds`, `/api/v1/apps/${appA}/builds/1`,
        `/api/v1/apps/${appA}/releases`, `/api/v1/apps/${appA}/storage`, `/api/v1/apps/${appA}/nginx`, `/api/v1/apps/${appA}/nginx/config`,
        `/api/v1/apps/${appA}/ps`, `/api/v1/events?app=${appA}`, '/api/v1/plugins', '/api/v1/services', '/api/v1/services/redis', '/api/v1/whoami'];
      const folder = `${path.join(berth.home, 'storage', (await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.id)}/leak:/leak`;
      assert.equal((await berth.api('POST', `/api/v1/apps/${appA}/storage`, { mount: folder })).status, 201);
      const leaks: string[] = [];
      for (const who of [dev, viewer]) {
        for (const p of paths) {
          const r = await t().api(who.token, 'GET', p);
          if (r.text.includes(berth.home)) leaks.push(`${who.name} ${p} (${r.status}): ${r.text.slice(Math.max(0, r.text.indexOf(berth.home) - 60), r.text.indexOf(berth.home) + 80)}`);
        }
      }
      assert.deepEqual((await t().api(viewer.token, 'GET', `/api/v1/apps/${appA}/storage`)).json.mounts.map((m: { source: string }) => m.source), [`$BERTH_HOME/storage/${(await berth.api('GET', `/api/v1/apps/${appA}`)).json.app.id}/leak`]);
      assert.equal((await berth.api('POST', `/api/v1/apps/${appA}/storage/unmount`, { mount: '/leak' })).status, 200);
      assert.deepEqual(leaks, []);
    });
  });
}
