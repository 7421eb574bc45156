import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { ROOT, startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { requireBerthStack } from '../support/requirements';
import { ensureServiceImage, removeServiceLeftovers, rows, write } from './services-support';
import { peerCertificate, request, selfSigned } from './router-support';

/**
 * berth backs itself up (issue 23): 3 apps pushed (one linked to postgres, with rows, one with a
 * domain and certificate of its own) → backup:create → that berth destroyed (its containers, service, volume and
 * app images gone) → a second berth on a new BERTH_HOME → backup:restore → all 3 answer on their
 * domains with their config, and the postgres rows are back. Who may not, and archives that are refused.
 */
describe('berth backup: create, then restore onto a new BERTH_HOME', function () {
  this.timeout(900_000);
  const apps = [uniqueName('bba'), uniqueName('bbb'), uniqueName('bbc')];
  const pg = uniqueName('bbpg');
  const domain = `${uniqueName('www')}.example.test`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bb-'));
  let first: BerthProcess | null = null;
  let second: BerthProcess | null = null;
  let wt: WorkTree | null = null;
  const ok = (r: { code: number; stdout: string; stderr: string }) => { assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`); return r; };

  before(async () => {
    requireBerthStack();
    ensureServiceImage(path.join(ROOT, 'plugins', 'postgres'));
    first = await startBerth();
  });
  after(async () => {
    wt?.remove();
    for (const b of [first, second]) {
      if (!b) continue;
      removeServiceLeftovers(b);
      await b.destroy();
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('3 apps (postgres rows, config, a domain) come back on a new BERTH_HOME, rebuilt from their repos', async () => {
    const b1 = first!;
    ok(b1.cli(['postgres:create', pg]));
    wt = WorkTree.fromFixture('service-client');
    for (const app of apps) {
      ok(b1.cli(['apps:create', app]));
      ok(b1.cli(['config:set', app, `GREETING=hello from ${app}`]));
    }
    ok(b1.cli(['domains:add', apps[1], domain]));
    const pair = selfSigned(tmp, 'www', [domain]);
    ok(b1.cli(['certs:add', apps[1], pair.cert, pair.key]));
    ok(b1.cli(['postgres:link', pg, apps[0]]));
    for (const app of apps) assert.equal(wt.push(b1.url, b1.token, app).code, 0);
    await write(b1, apps[0], 'pg', 'alpha');
    await write(b1, apps[0], 'pg', 'beta');
    const certBefore = (await peerCertificate(Number(b1.env.BERTH_ROUTER_HTTPS_PORT), domain)).fingerprint256;
    assert.equal(certBefore, new crypto.X509Certificate(fs.readFileSync(pair.cert)).fingerprint256);
    const releasesBefore = (await b1.api('GET', `/api/v1/apps/${apps[0]}/releases`)).json.releases.map((r: { version: number }) => r.version);

    // Who may not: a backup holds every secret berth has.
    for (const role of ['developer', 'viewer']) {
      const token = (await b1.api('POST', '/api/v1/users', { name: uniqueName(role.slice(0, 3)), role })).json.token as string;
      for (const p of ['/api/v1/berth/backup', '/api/v1/berth/restore']) {
        const r = await b1.api('POST', p, undefined, token);
        assert.deepEqual([r.status, r.json?.error?.code], [403, 'FORBIDDEN'], `${role} ${p}: ${r.text}`);
      }
    }

    // Settings as install.sh writes them (berthd.sh reads them; this test's berth gets its env directly).
    const settings = `BERTH_DOMAIN=localhost\nBERTH_ROUTER_PORT=${b1.routerPort}\n`;
    fs.writeFileSync(path.join(b1.home, 'berth.env'), settings, { mode: 0o600 });
    const made = ok(b1.cli(['backup:create', '--to', tmp])).stdout.trim();
    assert.match(made, new RegExp(`^${tmp}/berth-backup-\\d{8}T\\d{9}Z\\.tar$`));
    // A berth with apps takes no restore.
    const busy = b1.cli(['backup:restore', made]);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /This berth has 3 apps and 1 services: a backup is restored onto a fresh install only/);

    const oldToken = b1.token;
    removeServiceLeftovers(b1);
    await b1.destroy();
    first = null;

    const b2 = await startBerth();
    second = b2;
    // An archive with a path out of BERTH_HOME is refused whole: nothing written.
    const evil = path.join(tmp, 'evil.tar');
    const pack = tar.pack();
    pack.entry({ name: 'manifest.json' }, '{}');
    // Up from $BERTH_HOME/backups/berth/.staging/restore-<id>/repos to the folder holding BERTH_HOME.
    const escaped = uniqueName('escaped');
    pack.entry({ name: `repos/../../../../../../${escaped}` }, 'x');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    fs.writeFileSync(evil, Buffer.concat(chunks));
    const refused = b2.cli(['backup:restore', evil]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`The archive holds "repos(/\\.\\.){6}/${escaped}" \\(file\\), which no berth backup holds: nothing was restored`));
    assert.equal(fs.existsSync(path.join(b2.home, '..', escaped)), false);
    assert.deepEqual((await b2.api('GET', '/api/v1/apps')).json.apps, []);

    const restore = ok(b2.cli(['backup:restore', made]));
    for (const app of apps) assert.match(restore.stdout, new RegExp(`-----> app ${app}: build \\d+ succeeded`));
    assert.match(restore.stdout, new RegExp(`-----> restored service postgres:${pg} and its data`));
    assert.equal(fs.readFileSync(path.join(b2.home, 'berth.env'), 'utf8'), settings, 'a new install without settings gets the backup\'s');
    // The users and tokens are the backup's now.
    b2.token = oldToken;
    for (const app of [apps[0], apps[2]]) assert.deepEqual(await b2.viaRouter(`${app}.localhost`, '/env/GREETING'), { status: 200, text: `hello from ${app}` });
    // The app with a certificate redirects HTTP to HTTPS, which answers on its own domain with that certificate.
    const viaTls = await request({ port: Number(b2.env.BERTH_ROUTER_HTTPS_PORT), host: domain, path: '/env/GREETING', tls: true });
    assert.deepEqual([viaTls.status, viaTls.text], [200, `hello from ${apps[1]}`]);
    assert.deepEqual(await rows(b2, apps[0], 'pg'), ['alpha', 'beta']);
    assert.equal((await peerCertificate(Number(b2.env.BERTH_ROUTER_HTTPS_PORT), domain)).fingerprint256, certBefore, 'the certificate and its key came back');
    const releasesAfter = (await b2.api('GET', `/api/v1/apps/${apps[0]}/releases`)).json.releases.map((r: { version: number }) => r.version);
    assert.deepEqual(releasesAfter, [releasesBefore[0] + 1, ...releasesBefore], 'the old releases and the rebuild\'s');
  });
});
