import assert from 'node:assert/strict';
import type {
  CertRecord, CertsStore, GlobalDomainsStore, PortsStore, RouterSettingsStore,
} from '../../app/ports/routing-store';

export interface OpenedRouting {
  readonly globalDomains: GlobalDomainsStore;
  readonly ports: PortsStore;
  readonly routerSettings: RouterSettingsStore;
  readonly certs: CertsStore;
  /** The apps the store knows: made, renamed and removed as berth's apps table does. */
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
  close(): void;
}

const cert = (app: string, fingerprint: string, domains: string[] = [`${app}.test`, `www.${app}.test`]): Omit<CertRecord, 'updatedAt'> => ({
  app, source: 'manual', subject: `CN=${domains[0]}`, domains, notBefore: '2026-12-01T00:00:00.000Z', notAfter: '2027-03-01T00:00:00.000Z', fingerprint,
});
const withoutTime = (c: CertRecord | null) => (c ? { ...c, updatedAt: undefined } : null);

/**
 * What the router's tables promise the domains and certs modules (app/ports/routing-store.ts: global
 * domains, port mappings, per-app router settings, certificates), run against SQLite (infra/sqlite, a
 * fresh database file) and the unit tests' InMemoryRouting, both in test/unit/conformance/routing-store.test.ts.
 */
export function routingStoreConformance(name: string, open: () => OpenedRouting): void {
  describe(`routing store conformance: ${name}`, () => {
    let o: OpenedRouting;
    beforeEach(() => { o = open(); o.addApp('shop'); o.addApp('blog'); });
    afterEach(() => o?.close());

    it('global domains: listed sorted, each once however often added; removing an absent one changes nothing', () => {
      o.globalDomains.add('zeta.test');
      o.globalDomains.add('alpha.test');
      o.globalDomains.add('zeta.test');
      o.globalDomains.remove('nope.test');
      assert.deepEqual(o.globalDomains.list(), ['alpha.test', 'zeta.test']);
      o.globalDomains.remove('zeta.test');
      assert.deepEqual(o.globalDomains.list(), ['alpha.test']);
    });

    it('port mappings: replaced whole, a duplicate kept once, listed by scheme, host port, container port; empty clears; apps apart', () => {
      assert.deepEqual(o.ports.list('shop'), []);
      o.ports.replace('shop', [{ scheme: 'http', hostPort: 80, containerPort: 5000 }]);
      o.ports.replace('shop', [
        { scheme: 'https', hostPort: 443, containerPort: 5000 },
        { scheme: 'http', hostPort: 8080, containerPort: 5000 },
        { scheme: 'http', hostPort: 80, containerPort: 6000 },
        { scheme: 'http', hostPort: 8080, containerPort: 5000 },
      ]);
      o.ports.replace('blog', [{ scheme: 'http', hostPort: 80, containerPort: 3000 }]);
      assert.deepEqual(o.ports.list('shop'), [
        { scheme: 'http', hostPort: 80, containerPort: 6000 },
        { scheme: 'http', hostPort: 8080, containerPort: 5000 },
        { scheme: 'https', hostPort: 443, containerPort: 5000 },
      ]);
      o.ports.replace('shop', []);
      assert.deepEqual([o.ports.list('shop'), o.ports.list('blog')], [[], [{ scheme: 'http', hostPort: 80, containerPort: 3000 }]]);
    });

    it('router settings: unsets before sets in one apply, {} for an app with none, appsWith listing apps by name', () => {
      assert.deepEqual(o.routerSettings.get('shop'), {});
      o.routerSettings.apply('shop', { 'client-max-body-size': '10m', 'proxy-read-timeout': '60s' }, []);
      o.routerSettings.apply('shop', { 'proxy-read-timeout': '90s', 'hsts': 'true' }, ['client-max-body-size', 'hsts', 'never-set']);
      assert.deepEqual(o.routerSettings.get('shop'), { 'proxy-read-timeout': '90s', 'hsts': 'true' });
      o.routerSettings.apply('blog', { 'hsts': 'true' }, []);
      o.addApp('api');
      o.routerSettings.apply('api', { 'hsts': 'false' }, []);
      assert.deepEqual(o.routerSettings.appsWith('hsts', 'true'), ['blog', 'shop']);
      assert.deepEqual(o.routerSettings.appsWith('hsts', 'maybe'), []);
      assert.deepEqual(o.routerSettings.get('blog'), { 'hsts': 'true' });
    });

    it('certificates: one per app, the next put replacing it whole with its time; list by app; remove', () => {
      assert.equal(o.certs.get('shop'), null);
      const first = o.certs.put(cert('shop', 'AA:01'));
      assert.deepEqual(withoutTime(first), { ...cert('shop', 'AA:01'), updatedAt: undefined });
      assert.ok(!Number.isNaN(Date.parse(first.updatedAt)), `updatedAt ${first.updatedAt} is a time`);
      o.certs.put({ ...cert('shop', 'BB:02', ['shop.test']), source: 'acme' });
      o.certs.put(cert('blog', 'CC:03'));
      assert.deepEqual(withoutTime(o.certs.get('shop')), { ...cert('shop', 'BB:02', ['shop.test']), source: 'acme', updatedAt: undefined });
      assert.deepEqual(o.certs.list().map((c) => [c.app, c.fingerprint, c.domains]), [['blog', 'CC:03', ['blog.test', 'www.blog.test']], ['shop', 'BB:02', ['shop.test']]]);
      o.certs.remove('shop');
      o.certs.remove('shop');
      assert.deepEqual([o.certs.get('shop'), o.certs.list().map((c) => c.app)], [null, ['blog']]);
    });

    it('a missing app\'s ports, settings and certificate are refused; an app\'s rows follow its rename and go with it', () => {
      assert.throws(() => o.ports.replace('gone', [{ scheme: 'http', hostPort: 80, containerPort: 5000 }]), /FOREIGN KEY/);
      assert.throws(() => o.routerSettings.apply('gone', { hsts: 'true' }, []), /FOREIGN KEY/);
      assert.throws(() => o.certs.put(cert('gone', 'DD:04')), /FOREIGN KEY/);
      o.ports.replace('shop', [{ scheme: 'http', hostPort: 80, containerPort: 5000 }]);
      o.routerSettings.apply('shop', { hsts: 'true' }, []);
      o.certs.put(cert('shop', 'AA:01'));
      o.routerSettings.apply('blog', { hsts: 'true' }, []);
      o.renameApp('shop', 'store');
      assert.deepEqual([o.ports.list('shop'), o.routerSettings.get('shop'), o.certs.get('shop')], [[], {}, null]);
      assert.deepEqual(o.ports.list('store'), [{ scheme: 'http', hostPort: 80, containerPort: 5000 }]);
      assert.deepEqual(o.routerSettings.appsWith('hsts', 'true'), ['blog', 'store']);
      assert.equal(o.certs.get('store')?.app, 'store');
      o.removeApp('store');
      assert.deepEqual([o.ports.list('store'), o.routerSettings.get('store'), o.certs.list().map((c) => c.app)], [[], {}, []]);
      assert.deepEqual(o.routerSettings.appsWith('hsts', 'true'), ['blog']);
    });
  });
}
