import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { peerCertificate, request } from './router-support';
import { DashboardSession, csrfIn } from '../support/dashboard-session';
import { launchBrowser, requireChromium } from '../e2e/support/browser';

const PASSWORD = 'correct horse battery';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

async function waitForPort(port: number, what: string, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${what} exited: ${log()}`);
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); r(true); });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on ${port}: ${log()}`);
}

/**
 * A local ACME CA: Debian's pebble, its DNS answered by pebble-challtestsrv (every name → 127.0.0.1),
 * HTTP-01 validated against berth's router port. pebble's own HTTPS listener uses a CA made here,
 * which berth trusts through NODE_EXTRA_CA_CERTS. Nothing leaves loopback.
 */
describe('router: ACME (letsencrypt:*) against a local pebble', function () {
  this.timeout(300_000);
  /** berth's settings: pebble's and the router's ports are known only once set-up has chosen them. */
  let env: Record<string, string> = {};
  let dir: string;
  let wt: WorkTree | undefined;
  const procs: ChildProcess[] = [];
  let output = '';
  const app = uniqueName('rt-acme');
  const OWN = 'own.example.test';

  after(() => {
    for (const p of procs) p.kill('SIGTERM');
    wt?.remove();
    if (isStarted(berth)) berth.cli(['apps:destroy', app, '--confirm', app]);
  });
  const berth = useBerth(() => env, { setUp: async () => {
    if (spawnSync('pebble', ['-h']).error) throw new Error('pebble is not installed: apt-get install pebble');
    requireChromium();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pebble-'));
    const f = (n: string) => path.join(dir, n);
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=berth test pebble CA']);
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('pebble.key'), '-out', f('pebble.csr'), '-subj', '/CN=localhost']);
    fs.writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    openssl(['x509', '-req', '-in', f('pebble.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('pebble.crt'), '-days', '2', '-extfile', f('ext.cnf')]);

    const [acmePort, mgmtPort, dnsPort, chalMgmt] = [await freePort(), await freePort(), await freePort(), await freePort()];
    // The router's ports are chosen first: pebble (started before berth, which asks it for its own
    // address's certificate as it starts) validates HTTP-01 there.
    const [routerPort, routerHttpsPort] = [await freePort(), await freePort()];
    fs.writeFileSync(f('pebble.json'), JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`, managementListenAddress: `127.0.0.1:${mgmtPort}`,
        certificate: f('pebble.crt'), privateKey: f('pebble.key'),
        httpPort: routerPort, tlsPort: await freePort(), ocspResponderURL: '', externalAccountBindingRequired: false,
      },
    }));
    const keep = (b: Buffer) => { output += b.toString(); };
    const dns = spawn('pebble-challtestsrv', [
      '-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', `127.0.0.1:${chalMgmt}`,
      '-defaultIPv4', '127.0.0.1', '-defaultIPv6', '',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    dns.stdout!.on('data', keep); dns.stderr!.on('data', keep);
    procs.push(dns);
    await waitForPort(chalMgmt, 'pebble-challtestsrv', dns, () => output);
    const pebble = spawn('pebble', ['-config', f('pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_VA_ALWAYS_VALID: '0' },
    });
    pebble.stdout!.on('data', keep); pebble.stderr!.on('data', keep);
    procs.push(pebble);
    await waitForPort(acmePort, 'pebble', pebble, () => output);
    env = {
      BERTH_DOMAIN: 'berth.example.test',
      BERTH_ACME_DIRECTORY: `https://127.0.0.1:${acmePort}/dir`,
      NODE_EXTRA_CA_CERTS: f('ca.pem'),
      BERTH_ROUTER_PORT: String(routerPort), BERTH_ROUTER_HTTPS_PORT: String(routerHttpsPort),
      // berth's own address, its certificate from pebble as berth starts (issue 20).
      BERTH_HOSTNAME: OWN,
      BERTH_ADMIN_PASSWORD: PASSWORD,
    };
  } });
  before(() => {
    wt = WorkTree.fromFixture('dockerfile-app');
    wt.write('www/index.html', 'acme app\n');
    wt.commitAll('acme app');
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    assert.equal(berth.cli(['domains:add', app, 'acme.example.test']).code, 0);
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("berth's own address (BERTH_HOSTNAME) gets its certificate from the ACME server as berth starts, and serves berth over HTTPS with it", async () => {
    const httpsPort = Number(berth.env.BERTH_ROUTER_HTTPS_PORT);
    const peer = await peerCertificate(httpsPort, OWN);
    assert.match(String(peer.issuer.CN), /Pebble/i);
    assert.equal(peer.subjectaltname, `DNS:${OWN}`);
    const stored = new crypto.X509Certificate(fs.readFileSync(path.join(berth.home, 'certs', '_berth', 'cert.pem')));
    assert.equal(stored.fingerprint256, peer.fingerprint256);
    assert.equal(fs.statSync(path.join(berth.home, 'certs', '_berth', 'key.pem')).mode & 0o777, 0o600);
    const health = await request({ port: httpsPort, host: OWN, tls: true, path: '/healthz' });
    assert.equal(health.text, '{"ok":true}');
  });

  it('letsencrypt:enable obtains a certificate over HTTP-01 and the app answers on HTTPS with it', async () => {
    const enable = berth.cli(['letsencrypt:enable', app, '--email', 'ops@example.test']);
    assert.equal(enable.code, 0, `${enable.stderr}\n${output.slice(-3000)}`);
    const report = JSON.parse(berth.cli(['certs:report', app, '--json']).stdout).cert;
    assert.equal(report.source, 'acme');
    assert.deepEqual([...report.domains].sort(), [`${app}.berth.example.test`, 'acme.example.test'].sort());
    assert.match(report.issuer, /Pebble/i);

    const httpsPort = Number(berth.env.BERTH_ROUTER_HTTPS_PORT);
    const peer = await peerCertificate(httpsPort, 'acme.example.test');
    assert.equal(peer.fingerprint256, report.fingerprint);
    const res = await request({ port: httpsPort, host: 'acme.example.test', tls: true });
    assert.equal(res.text.trim(), 'acme app');
    assert.equal(fs.statSync(path.join(berth.home, 'acme', 'account.key')).mode & 0o777, 0o600);
    assert.match(berth.cli(['letsencrypt:list']).stdout, new RegExp(app));

    const renew = berth.cli(['letsencrypt:renew', app]);
    assert.equal(renew.code, 0, renew.stderr);
    const renewed = JSON.parse(berth.cli(['certs:report', app, '--json']).stdout).cert;
    assert.notEqual(renewed.fingerprint, report.fingerprint);
    assert.equal((await peerCertificate(httpsPort, 'acme.example.test')).fingerprint256, renewed.fingerprint);

    assert.equal(berth.cli(['letsencrypt:disable', app]).code, 0);
    assert.equal((await peerCertificate(httpsPort, 'acme.example.test')).subject.CN, 'berth-default');
  });

  it('the dashboard (chromium): "Enable HTTPS…" on a domain confirms which domains, gets the certificate and shows its expiry; a viewer or a stranger developer gets 403', async () => {
    assert.equal(berth.cli(['letsencrypt:disable', app]).code, 0);
    const certOf = async () => (await berth.api('GET', `/api/v1/apps/${app}/certs`)).json.cert;
    assert.equal(await certOf(), null);
    for (const [name, role] of [[uniqueName('v'), 'viewer'], [uniqueName('d'), 'developer']]) {
      assert.equal(berth.cli(['users:add', name, '--role', role, '--password'], { input: `${PASSWORD}\n` }).code, 0);
      const s = new DashboardSession(berth.url);
      await s.login(PASSWORD, name);
      const page = await s.get(`/apps/${app}/domains`);
      assert.equal(page.status, role === 'viewer' ? 200 : 403);
      assert.doesNotMatch(page.text, /Enable HTTPS/, `no button for a ${role}`);
      assert.equal((await s.get(`/apps/${app}/https`)).status, 403);
      const post = await s.request('POST', `/apps/${app}/https`, { _csrf: csrfIn((await s.get('/')).text) });
      assert.equal(post.status, 403);
      assert.match(post.text, /FORBIDDEN/);
    }
    assert.equal(await certOf(), null, 'nothing was issued for them');

    // The admin, in chromium: the domain's button, the confirmation naming the domains, the certificate and its expiry.
    const browser = await launchBrowser();
    try {
      const page = browser.page;
      const go = (click: string, timeout = 30_000) => Promise.all([page.waitForNavigation({ timeout }), page.click(click)]);
      await page.goto(`${berth.url}/apps/${app}/domains`);
      await page.fill('#password', PASSWORD);
      await go('form[action="/login"] button[type=submit]');
      assert.equal(new URL(page.url()).pathname, `/apps/${app}/domains`);
      assert.equal((await page.textContent('li:has(a[href="http://acme.example.test"]) [data-tls]'))!.trim(), 'TLS: none');
      await go('a[aria-label="Enable HTTPS for acme.example.test"]');
      assert.deepEqual(await page.locator('[data-confirm] [data-effect]').allTextContents(), [
        `berth asks the ACME server for one certificate covering ${app}.berth.example.test, acme.example.test, proving each over HTTP-01 on port 80.`,
        `Once it is issued ${app} answers HTTPS with it, and berth renews it before it expires. If the ACME server refuses, nothing changes.`,
      ]);
      assert.equal(await certOf(), null, 'the confirmation page changes nothing');
      await go('[data-confirm] button[type=submit]', 120_000);
      assert.equal(new URL(page.url()).pathname, `/apps/${app}/domains`, output.slice(-2000));
      const cert = await certOf();
      assert.equal(cert.source, 'acme');
      assert.match(cert.issuer, /Pebble/i);
      assert.equal((await peerCertificate(Number(berth.env.BERTH_ROUTER_HTTPS_PORT), 'acme.example.test')).fingerprint256, cert.fingerprint);
      assert.equal((await berth.api('GET', `/api/v1/apps/${app}/letsencrypt`)).json.letsencrypt.enabled, true, 'renewals are on');
      const until = cert.notAfter.slice(0, 10);
      assert.equal((await page.textContent('.flash-ok'))!.trim(), `HTTPS is on for ${cert.domains.join(', ')}: a Let's Encrypt certificate until ${until}, renewed by berth.`);
      assert.equal((await page.textContent('li:has(a[href="http://acme.example.test"]) [data-tls]'))!.trim(), `TLS: Let's Encrypt, expires ${until} (in ${cert.expiresInDays} d)`);
      assert.equal(await page.locator('a:text("Enable HTTPS…")').count(), 0, 'every domain has it now');
    } finally {
      await browser.close();
    }
    assert.equal(berth.cli(['letsencrypt:disable', app]).code, 0);
  });

  it('renew needs letsencrypt enabled; a missing app is 404', async () => {
    const other = uniqueName('rt-acme-x');
    assert.equal(berth.cli(['apps:create', other]).code, 0);
    const r = await berth.api('POST', '/api/v1/apps/no-such-app/letsencrypt', {});
    assert.equal(r.status, 404);
    const renew = await berth.api('POST', `/api/v1/apps/${other}/letsencrypt/renew`, {});
    assert.equal(renew.json.error.code, 'ACME_NOT_ENABLED');
    berth.cli(['apps:destroy', other, '--confirm', other]);
  });
});
