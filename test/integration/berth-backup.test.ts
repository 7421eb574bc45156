import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT, startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { waitFor } from '../support/poll';
import { ownImageLabel } from '../support/app-images';
import { startS3Server } from '../support/s3-server';
import { WorkTree } from '../support/git-client';
import { requireBerthStack } from '../support/requirements';
import { ensureServiceImage, removeServiceLeftovers, rows, write } from './services-support';
import { peerCertificate, request, selfSigned } from './router-support';

interface Listed { name: string; target: string; scheduled: boolean }

/**
 * berth backs itself up (issue 23): 3 apps pushed (one linked to postgres, with rows, one with a
 * domain and certificate of its own) → backup:create to a folder and to S3 (s3rver on loopback) →
 * that berth destroyed (its containers, service, volume and app images gone) → a second berth on a
 * new BERTH_HOME → backup:restore from the S3 object → all 3 answer on their domains with their
 * config, and the postgres rows are back. Who may not, and archives that are refused. Then on the
 * restored berth: the daily default schedule, a 1-minute schedule with --keep 2, a failed run's
 * event and notification.
 */
describe('berth backup: create, then restore onto a new BERTH_HOME', function () {
  this.timeout(900_000);
  const apps = [uniqueName('bba'), uniqueName('bbb'), uniqueName('bbc')];
  // Deployed from a ready image (no repo): after the restore it is deployed again from that image, which the host still has.
  const imageApp = uniqueName('bbi');
  const imageRef = `berth-test/${imageApp}:1`;
  const pg = uniqueName('bbpg');
  const domain = `${uniqueName('www')}.example.test`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bb-'));
  let first: BerthProcess | null = null;
  let second: BerthProcess | null = null;
  let wt: WorkTree | null = null;
  const bucket = `berth-bb-${crypto.randomBytes(3).toString('hex')}`;
  let s3: Awaited<ReturnType<typeof startS3Server>> | null = null;
  const tokens: Record<'developer' | 'viewer', string> = { developer: '', viewer: '' };
  const ok = (r: { code: number; stdout: string; stderr: string }) => { assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`); return r; };

  before(async () => {
    requireBerthStack();
    ensureServiceImage(path.join(ROOT, 'plugins', 'postgres'));
    first = await startBerth();
    s3 = await startS3Server(bucket);
  });
  after(async () => {
    wt?.remove();
    for (const b of [first, second]) {
      if (!b) continue;
      removeServiceLeftovers(b);
      await b.destroy();
    }
    await s3?.close();
    spawnSync('docker', ['rmi', '-f', imageRef]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('3 apps (postgres rows, config, a domain) come back on a new BERTH_HOME, rebuilt from their repos; one deployed from an image is deployed from it again', async () => {
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
    const built = spawnSync('docker', ['build', '-q', '-t', imageRef, '-'], {
      input: `FROM berth/busybox:latest\n${ownImageLabel(imageApp)}RUN mkdir -p /www && echo from an image > /www/index.html\nEXPOSE 8000\nCMD ["httpd", "-f", "-p", "8000", "-h", "/www"]\n`, encoding: 'utf8',
    });
    assert.equal(built.status, 0, built.stderr);
    ok(b1.cli(['apps:create', imageApp]));
    ok(b1.cli(['apps:deploy-image', imageApp, imageRef]));
    assert.deepEqual(await b1.viaRouter(`${imageApp}.localhost`, '/'), { status: 200, text: 'from an image\n' });
    await write(b1, apps[0], 'pg', 'alpha');
    await write(b1, apps[0], 'pg', 'beta');
    const certBefore = (await peerCertificate(Number(b1.env.BERTH_ROUTER_HTTPS_PORT), domain)).fingerprint256;
    assert.equal(certBefore, new crypto.X509Certificate(fs.readFileSync(pair.cert)).fingerprint256);
    const releasesBefore = (await b1.api('GET', `/api/v1/apps/${apps[0]}/releases`)).json.releases.map((r: { version: number }) => r.version);

    // Who may not: a backup holds every secret berth has.
    for (const role of ['developer', 'viewer']) {
      const token = (await b1.api('POST', '/api/v1/users', { name: uniqueName(role.slice(0, 3)), role })).json.token as string;
      tokens[role as 'developer' | 'viewer'] = token;
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
    // The server writes one straight into the bucket (its login kept encrypted, as for service backups).
    ok(b1.cli(['backups:s3-set', bucket, '--endpoint', s3!.endpoint, '--access-key-id', 'S3RVER'], { input: 'S3RVER\n' }));
    const inS3 = ok(b1.cli(['backup:create', '--to', `s3://${bucket}/berth`])).stdout.trim();
    assert.match(inS3, new RegExp(`^s3://${bucket}/berth/berth-backup-\\d{8}T\\d{9}Z\\.tar$`));
    assert.deepEqual(s3!.objects('berth'), [path.basename(inS3)]);
    assert.deepEqual(fs.readdirSync(path.join(b1.home, 'backups', 'berth', '.staging')), [], 'no staging file is left');
    // A berth with apps takes no restore.
    const busy = b1.cli(['backup:restore', made]);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /This berth has 4 apps and 1 services: a backup is restored onto a fresh install only/);

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

    // From the bucket: the new berth needs the bucket's login first (the backup's logins come with its database).
    const notSet = b2.cli(['backup:restore', inS3]);
    assert.equal(notSet.code, 1);
    assert.match(notSet.stderr, new RegExp(`berth has no login for bucket ${bucket}`));
    ok(b2.cli(['backups:s3-set', bucket, '--endpoint', s3!.endpoint, '--access-key-id', 'S3RVER'], { input: 'S3RVER\n' }));
    const restore = ok(b2.cli(['backup:restore', inS3]));
    for (const app of [...apps, imageApp]) assert.match(restore.stdout, new RegExp(`-----> app ${app}: build \\d+ succeeded`));
    assert.match(restore.stdout, new RegExp(`-----> app ${imageApp}: restored; deploying the image it was deployed from, ${imageRef}, again \\(build \\d+\\)`));
    assert.match(restore.stdout, new RegExp(`-----> restored service postgres:${pg} and its data`));
    assert.equal(fs.readFileSync(path.join(b2.home, 'berth.env'), 'utf8'), settings, 'a new install without settings gets the backup\'s');
    // The users and tokens are the backup's now.
    b2.token = oldToken;
    for (const app of [apps[0], apps[2]]) assert.deepEqual(await b2.viaRouter(`${app}.localhost`, '/env/GREETING'), { status: 200, text: `hello from ${app}` });
    // The app with a certificate redirects HTTP to HTTPS, which answers on its own domain with that certificate.
    const viaTls = await request({ port: Number(b2.env.BERTH_ROUTER_HTTPS_PORT), host: domain, path: '/env/GREETING', tls: true });
    assert.deepEqual([viaTls.status, viaTls.text], [200, `hello from ${apps[1]}`]);
    assert.deepEqual(await rows(b2, apps[0], 'pg'), ['alpha', 'beta']);
    assert.deepEqual(await b2.viaRouter(`${imageApp}.localhost`, '/'), { status: 200, text: 'from an image\n' });
    assert.equal((await peerCertificate(Number(b2.env.BERTH_ROUTER_HTTPS_PORT), domain)).fingerprint256, certBefore, 'the certificate and its key came back');
    const releasesAfter = (await b2.api('GET', `/api/v1/apps/${apps[0]}/releases`)).json.releases.map((r: { version: number }) => r.version);
    assert.deepEqual(releasesAfter, [releasesBefore[0] + 1, ...releasesBefore], 'the old releases and the rebuild\'s');
  });

  it('the restored berth backs itself up daily by default; a 1-minute schedule with --keep 2 leaves the newest two; a failed run is an event and a notification; developers and viewers may not', async () => {
    const b2 = second!;
    const folder = path.join(b2.home, 'backups', 'berth');
    assert.equal(ok(b2.cli(['backup:schedule'])).stdout.trim(), `berth's backup schedule: "0 3 * * *" to dir:${folder}, keeping 7 (the default)`);
    for (const role of ['developer', 'viewer'] as const) {
      for (const [method, p, body] of [
        ['GET', '/api/v1/berth/backups'], ['GET', '/api/v1/berth/backups/berth-backup-20260101T000000000Z.tar'], ['POST', '/api/v1/berth/backups', {}],
        ['POST', '/api/v1/berth/backup-schedule', { schedule: '* * * * *', keep: 1 }], ['DELETE', '/api/v1/berth/backup-schedule'],
      ] as const) {
        const r = await b2.api(method, p, body, tokens[role]);
        assert.deepEqual([r.status, r.json?.error?.code], [403, 'FORBIDDEN'], `${role} ${method} ${p}: ${r.text}`);
      }
    }
    const list = async (): Promise<Listed[]> => JSON.parse(ok(b2.cli(['backup:list', '--json'])).stdout).backups as Listed[];
    ok(b2.cli(['backup:schedule', '* * * * *', '--keep', '2']));
    const oldest = await waitFor('a scheduled backup of berth', async () => (await list()).find((b) => b.scheduled) ?? null, 100_000);
    // Due once a year from now on, so no minute tick adds a run while the test counts.
    assert.equal(ok(b2.cli(['backup:schedule', '0 0 1 1 *'])).stdout.trim(), `berth's backup schedule: "0 0 1 1 *" to dir:${folder}, keeping 2`);
    const made = [0, 1].map(() => path.basename(ok(b2.cli(['backup:create', '--schedule'])).stdout.trim()));
    assert.deepEqual((await list()).map((b) => b.name), [...made].reverse(), 'the two newest are kept');
    assert.deepEqual(fs.readdirSync(folder).filter((f) => f !== '.staging').sort(), made, `${oldest!.name} was deleted`);
    const events = (await b2.api('GET', '/api/v1/events?limit=1000')).json.events as Array<{ kind: string; message: string }>;
    assert.equal(events.filter((e) => e.kind === 'berth.backup' && e.message.startsWith('berth backed up to ')).length, 3);

    // A run that fails (a bucket the S3 server does not have): an event and a backup.failed notification.
    const got: Array<{ event: string; text: string }> = [];
    const receiver = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => { raw += c.toString(); });
      req.on('end', () => { got.push(JSON.parse(raw)); res.end('ok'); });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      ok(b2.cli(['notifications:add', '--global', `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`]));
      ok(b2.cli(['backups:s3-set', 'no-such-bucket', '--endpoint', s3!.endpoint, '--access-key-id', 'S3RVER'], { input: 'S3RVER\n' }));
      ok(b2.cli(['backup:schedule', '0 0 1 1 *', '--to', 's3://no-such-bucket/berth']));
      const failed = b2.cli(['backup:create', '--schedule']);
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /S3 upload of s3:\/\/no-such-bucket\/berth\/berth-backup-\d{8}T\d{9}Z-scheduled\.tar at .+ failed: NoSuchBucket/);
      const recorded = (await b2.api('GET', '/api/v1/events?limit=20')).json.events as Array<{ kind: string; message: string }>;
      assert.equal(recorded.filter((e) => e.kind === 'berth.backup-failed').length, 1);
      const note = await waitFor('the backup.failed notification', async () => got.find((g) => g.event === 'backup.failed') ?? null, 60_000);
      assert.equal(note!.text, 'berth: backup of berth itself failed');
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});
