import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { peerCertificate, request, selfSigned } from './router-support';

describe('router: TLS certificates, SNI, catch-all server, redirect, HSTS', function () {
  this.timeout(300_000);
  let dir: string;
  let wt: WorkTree;
  const app = uniqueName('rt-tls');
  const other = uniqueName('rt-plain');
  const host = 'secure.example.test';
  let httpsPort: number;

  after(async () => {
    wt?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
    if (isStarted(berth)) for (const a of [app, other]) berth.cli(['apps:destroy', a, '--confirm', a]);
  });
  const berth = useBerth();
  before(async () => {
    httpsPort = Number(berth.env.BERTH_ROUTER_HTTPS_PORT);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tls-'));
    wt = WorkTree.fromFixture('dockerfile-app');
    wt.write('www/index.html', 'secure app\n');
    wt.commitAll('tls app');
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    // The other app answers differently, so a request routed to the wrong app shows.
    wt.write('www/index.html', 'plain app\n');
    wt.commitAll('plain app');
    assert.equal(wt.push(berth.url, berth.token, other).code, 0);
    assert.equal(berth.cli(['domains:add', app, host]).code, 0);
  });

  it('refuses a key that does not match the certificate, and non-PEM input', async () => {
    const a = selfSigned(dir, 'a', [host]);
    const b = selfSigned(dir, 'b', [host]);
    const mismatch = berth.cli(['certs:add', app, a.cert, b.key]);
    assert.notEqual(mismatch.code, 0);
    assert.match(mismatch.stderr, /does not belong to the certificate/);
    const junk = await berth.api('POST', `/api/v1/apps/${app}/certs`, { cert: 'server { }', key: 'x' });
    assert.equal(junk.status, 422);
    assert.equal(junk.json.error.code, 'INVALID_CERTIFICATE');
    assert.equal(fs.existsSync(path.join(berth.home, 'nginx', 'tls', `${app}.crt`)), false);
  });

  it('serves the app over HTTPS with its certificate for its name, and the catch-all one for any other', async () => {
    const pair = selfSigned(dir, 'good', [host, `www.${host}`]);
    const add = berth.cli(['certs:add', app, pair.cert, pair.key]);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /secure\.example\.test www\.secure\.example\.test/);
    const stored = path.join(berth.home, 'certs', app, 'key.pem');
    assert.equal(fs.statSync(stored).mode & 0o777, 0o600);

    const report = JSON.parse(berth.cli(['certs:report', app, '--json']).stdout).cert;
    assert.deepEqual(report.domains, [host, `www.${host}`]);
    assert.ok(report.expiresInDays >= 29 && report.expiresInDays <= 30);

    const peer = await peerCertificate(httpsPort, host);
    assert.equal(peer.subject.CN, host);
    const res = await request({ port: httpsPort, host, tls: true });
    assert.equal(res.status, 200);
    assert.equal(res.text.trim(), 'secure app');

    // Another app's name and an unknown name never get this app's certificate.
    for (const name of [`${other}.localhost`, 'unknown.example.test']) {
      const cert = await peerCertificate(httpsPort, name);
      assert.equal(cert.subject.CN, 'berth-default', name);
    }
    const unknown = await request({ port: httpsPort, host: 'unknown.example.test', tls: true });
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /No app is configured for this host/);
  });

  it('redirects HTTP to HTTPS (a setting) and sends HSTS when asked', async () => {
    const plain = await berth.viaRouter(host);
    assert.equal(plain.status, 301);
    const redirect = await request({ port: berth.routerPort, host });
    assert.equal(redirect.headers.location, `https://${host}:${httpsPort}/`);
    assert.equal(berth.cli(['nginx:set', app, 'https-redirect', 'false']).code, 0);
    assert.equal((await berth.viaRouter(host)).text.trim(), 'secure app');

    assert.equal(berth.cli(['nginx:set', app, 'hsts', 'true']).code, 0);
    const hsts = await request({ port: httpsPort, host, tls: true });
    assert.equal(hsts.headers['strict-transport-security'], 'max-age=15768000');
    // The app without a certificate is plain HTTP, untouched.
    assert.equal((await berth.viaRouter(`${other}.localhost`)).text.trim(), 'plain app');
  });

  it('certs:remove goes back to HTTP only', async () => {
    assert.equal(berth.cli(['certs:remove', app]).code, 0);
    assert.equal((await peerCertificate(httpsPort, host)).subject.CN, 'berth-default');
    assert.equal((await berth.viaRouter(host)).text.trim(), 'secure app');
    assert.match(berth.cli(['certs:report', app]).stdout, /none/);
  });
});
