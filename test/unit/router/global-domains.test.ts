import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppsService } from '../../../app/apps';
import { DomainsService } from '../../../app/domains';
import { EventsService } from '../../../app/events';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { readersOf } from '../../support/store-readers';

const rejected = async (p: Promise<unknown>): Promise<{ code: string; message: string }> => {
  try { await p; } catch (e) { return { code: (e as { code: string }).code, message: (e as Error).message }; }
  return { code: 'none', message: '' };
};

describe('domains:add-global', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-global-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a global domain that would turn a custom domain (or berth\'s hostname) into an app\'s address', async () => {
    const store = openSqliteStore(path.join(dir, 'berth.db'));
    try {
      const events = new EventsService(store.events);
      const domains = new DomainsService({ store, apps: readersOf(store).apps, events, baseDomain: 'example.test', ownHostname: 'paas.corp.test', reroute: async () => undefined });
      const apps = new AppsService({ store, releases: readersOf(store).releases, events, domain: 'example.test', domainsOf: (a) => domains.domainsOf(a), vhostClash: (n) => domains.vhostClash(n),
        resources: { created: async () => undefined, destroyed: async () => undefined } as never });
      await apps.create('shop', null);
      await apps.create('blog', null);
      await domains.add('shop', ['www.shop.test', 'shop.own.test', 'a.b.deep.test'], null);
      await domains.add('blog', ['*.wild.test'], null);

      // shop's www.shop.test would become the address of a (future) app "www".
      assert.deepEqual(await rejected(domains.addGlobal(['shop.test'], null)),
        { code: 'DOMAIN_TAKEN', message: 'shop.test would make www.shop.test, served by app "shop", the address of the app named "www" (present or future); remove it there first.' });
      // blog's *.wild.test would cover every app's <app>.wild.test / <app>.eu.wild.test.
      assert.deepEqual(await rejected(domains.addGlobal(['wild.test'], null)),
        { code: 'DOMAIN_TAKEN', message: 'wild.test lies under *.wild.test, served by app "blog", which would then cover every app\'s address <app>.wild.test; remove it there first.' });
      assert.deepEqual(await rejected(domains.addGlobal(['eu.wild.test'], null)),
        { code: 'DOMAIN_TAKEN', message: 'eu.wild.test lies under *.wild.test, served by app "blog", which would then cover every app\'s address <app>.eu.wild.test; remove it there first.' });
      // berth's own hostname would become the address of an app named "paas".
      assert.deepEqual(await rejected(domains.addGlobal(['corp.test'], null)),
        { code: 'DOMAIN_RESERVED', message: 'corp.test would make berth\'s own address paas.corp.test the address of an app named "paas"; choose another global domain.' });
      // One refused name refuses the whole request.
      assert.deepEqual((await rejected(domains.addGlobal(['fine.test', 'shop.test'], null))).code, 'DOMAIN_TAKEN');
      assert.deepEqual(domains.globals(), []);

      // The app's own name under the global (shop.own.test for shop) and deeper names are no clash.
      assert.deepEqual(await domains.addGlobal(['own.test', 'deep.test'], null), ['deep.test', 'own.test']);
      // Once shop gives www.shop.test up, the global domain is free to add.
      await domains.remove('shop', ['www.shop.test'], null);
      assert.deepEqual(await domains.addGlobal(['shop.test'], null), ['deep.test', 'own.test', 'shop.test']);
      assert.deepEqual(domains.report('blog').all, ['blog.example.test', 'blog.deep.test', 'blog.own.test', 'blog.shop.test', '*.wild.test']);
    } finally {
      store.close();
    }
  });
});
