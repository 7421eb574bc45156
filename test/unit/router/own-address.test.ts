import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppsService } from '../../../app/apps';
import { CertFiles } from '../../../app/certs';
import { DomainsService } from '../../../app/domains';
import { EventsService } from '../../../app/events';
import { openSqliteStore } from '../../../app/infra/sqlite';
import { OwnAddress } from '../../../app/own-address';
import type { OwnRoute } from '../../../app/ports/router';
import { routerHop } from '../../../app/http/router-hop';
import { readersOf } from '../../support/store-readers';

const rejected = async (p: Promise<unknown>): Promise<{ code: string; message: string }> => {
  try { await p; } catch (e) { return { code: (e as { code: string }).code, message: (e as Error).message }; }
  return { code: 'none', message: '' };
};

/** A self-signed pair for `name`, valid `days` days (openssl, as the router's default certificate is made). */
function selfSigned(dir: string, name: string, days: number): { cert: string; key: string } {
  const cert = path.join(dir, `${name}-${days}.pem`);
  const key = path.join(dir, `${name}-${days}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', String(days), '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`], { stdio: 'ignore' });
  return { cert, key };
}

describe("berth's own address (BERTH_HOSTNAME)", () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-own-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('no app takes it: not as a custom domain, not under a wildcard, not as <app>.<BERTH_DOMAIN>', async () => {
    const store = openSqliteStore(path.join(dir, 'berth.db'));
    try {
      const events = new EventsService(store.events);
      const domains = new DomainsService({ store, apps: readersOf(store).apps, events, baseDomain: 'example.test', ownHostname: 'berth.example.test', reroute: async () => undefined });
      const apps = new AppsService({ store, releases: readersOf(store).releases, events, domain: 'example.test', domainsOf: (a) => domains.domainsOf(a), vhostClash: (n) => domains.vhostClash(n),
        resources: { created: async () => undefined, destroyed: async () => undefined } as never });
      await apps.create('shop', null);
      assert.deepEqual(await rejected(domains.add('shop', ['Berth.Example.Test'], null)),
        { code: 'DOMAIN_RESERVED', message: "berth.example.test is (or covers) berth's own address berth.example.test; use a domain of your own." });
      // A wildcard over it, where it lies outside BERTH_DOMAIN (a wildcard over BERTH_DOMAIN is refused anyway).
      const corp = new DomainsService({ store, apps: readersOf(store).apps, events, baseDomain: 'example.test', ownHostname: 'paas.corp.test', reroute: async () => undefined });
      assert.deepEqual(await rejected(corp.add('shop', ['*.corp.test'], null)),
        { code: 'DOMAIN_RESERVED', message: "*.corp.test is (or covers) berth's own address paas.corp.test; use a domain of your own." });
      assert.deepEqual(await rejected(apps.create('berth', null)),
        { code: 'DOMAIN_TAKEN', message: 'An app named "berth" would be served at berth.example.test, which is berth\'s own address; choose another name.' });
      assert.deepEqual(domains.report('shop').customDomains, []);
    } finally {
      store.close();
    }
  });

  const service = (o: { cert?: { cert: string; key: string }; hostname?: string; issued?: { cert: string; key: string }; sshPort?: number }) => {
    const applied: (OwnRoute | null)[] = [];
    const issued: string[][] = [];
    const own = new OwnAddress({
      hostname: o.hostname ?? 'berth.example.test', webPort: 8380, certFile: o.cert?.cert ?? null, keyFile: o.cert?.key ?? null,
      sshPort: o.sshPort ?? 2222, httpsPort: 443, acmeEmail: '', renewDays: 30, files: new CertFiles(path.join(dir, 'certs')),
      hopSecretFile: path.join(dir, 'router-hop.secret'),
      router: { applyOwn: async (r) => { applied.push(r); }, putChallenge: async () => undefined, removeChallenge: async () => undefined },
      issuer: { issue: async (req) => { issued.push([...req.domains]); const p = o.issued!; return { cert: fs.readFileSync(p.cert, 'utf8'), key: fs.readFileSync(p.key, 'utf8') }; } },
    });
    return { own, applied, issued };
  };

  it("serves the admin's certificate for the hostname, and refuses one for another name", async () => {
    const good = service({ cert: selfSigned(dir, 'berth.example.test', 30) });
    await good.own.apply(() => undefined);
    assert.equal(good.applied[0]!.hostname, 'berth.example.test');
    assert.deepEqual(good.applied[0]!.upstream, { host: '127.0.0.1', port: 8380 });
    assert.deepEqual(good.issued, []);
    const wrong = service({ cert: selfSigned(dir, 'other.example.test', 30) });
    assert.deepEqual(await rejected(wrong.own.apply(() => undefined)),
      { code: 'INVALID_CONFIG', message: 'BERTH_TLS_CERT is for other.example.test, not BERTH_HOSTNAME=berth.example.test.' });
    assert.deepEqual(wrong.applied, []);
  });

  it('without a certificate asks the ACME server once, keeps it, and asks again only when it is due', async () => {
    const fresh = service({ issued: selfSigned(dir, 'berth.example.test', 90) });
    await fresh.own.apply(() => undefined);
    await fresh.own.apply(() => undefined);
    assert.deepEqual(fresh.issued, [['berth.example.test']]);
    assert.equal(await fresh.own.renewDue(() => undefined), false);
    const due = service({ issued: selfSigned(dir, 'berth.example.test', 10) });
    fs.rmSync(path.join(dir, 'certs'), { recursive: true });
    await due.own.apply(() => undefined);
    assert.equal(await due.own.renewDue(() => undefined), true);
    assert.deepEqual(due.issued, [['berth.example.test'], ['berth.example.test']]);
  });

  it('names the push URLs: berth@host:app on port 22, ssh:// with the port otherwise, none with SSH off', () => {
    assert.deepEqual(service({ sshPort: 22 }).own.remotes('shop'), { https: 'https://berth.example.test/git/shop.git', ssh: 'berth@berth.example.test:shop' });
    assert.deepEqual(service({}).own.remotes('shop'), { https: 'https://berth.example.test/git/shop.git', ssh: 'ssh://berth@berth.example.test:2222/shop' });
    assert.deepEqual(service({ sshPort: 0 }).own.remotes('shop'), { https: 'https://berth.example.test/git/shop.git', ssh: null });
    assert.throws(() => service({}).own.remotes('../x'), { code: 'INVALID_APP_NAME' } as never);
  });

  it('the router proves its hop with a secret of 0600 that every berth process on the home shares', async () => {
    const a = service({ cert: selfSigned(dir, 'berth.example.test', 30) });
    await a.own.apply(() => undefined);
    const secret = a.applied[0]!.hopSecret;
    assert.match(secret, /^[0-9a-f]{64}$/);
    assert.equal(fs.statSync(path.join(dir, 'router-hop.secret')).mode & 0o777, 0o600);
    // Another process on the same BERTH_HOME (the web one beside the worker) reads the same secret; no temporary file stays.
    assert.equal(service({}).own.hopSecret(), secret);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('router-hop')), ['router-hop.secret']);
  });

  it('X-Forwarded-* count only on requests carrying the router hop secret, which no route sees', () => {
    const secret = 'ab'.repeat(32);
    const pass = (headers: Record<string, string>, s: string | null = secret) => {
      const req = { headers: { ...headers } };
      let nextCalled = false;
      routerHop(s)(req as never, {} as never, () => { nextCalled = true; });
      assert.equal(nextCalled, true);
      return req.headers;
    };
    const forwarded = { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'berth.example.test', 'x-real-ip': '203.0.113.7', host: 'x' };
    assert.deepEqual(pass({ ...forwarded, 'x-berth-router': secret }), forwarded);
    assert.deepEqual(pass({ ...forwarded, 'x-berth-router': 'cd'.repeat(32) }), { host: 'x' });
    assert.deepEqual(pass({ ...forwarded, 'x-berth-router': secret.slice(1) }), { host: 'x' });
    assert.deepEqual(pass({ ...forwarded, 'x-berth-router': `\u00e9${secret.slice(1)}` }), { host: 'x' }); // as long in characters, not in bytes
    assert.deepEqual(pass(forwarded), { host: 'x' });
    // No own address: trust proxy is off and the headers are left as they came.
    assert.deepEqual(pass(forwarded, null), forwarded);
  });
});
