import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT, uniqueName } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { waitFor } from '../support/poll';
import { startS3Server } from '../support/s3-server';
import { ensureServiceImage, removeServiceLeftovers } from './services-support';

interface Backup { id: string; schedule: string | null; target: string; key: string; encrypted: boolean }

/**
 * Scheduled service backups (issue 23): one postgres service with rows, backed up on a 1-minute
 * schedule to a local S3 server (s3rver on loopback, encrypted) and to a folder; --keep 2; restores
 * into new services; who may not, and where a backup may not go.
 */
describe('service backups: scheduled to S3 and a folder, retention, restore into a new service', function () {
  this.timeout(600_000);
  const pg = uniqueName('bkpg');
  const bucket = `berth-bk-${crypto.randomBytes(3).toString('hex')}`;
  const restored = { s3: uniqueName('bks3'), dir: uniqueName('bkdir') };
  const dev = uniqueName('bkdev');
  let devToken = '';
  let viewerToken = '';
  let s3: Awaited<ReturnType<typeof startS3Server>> | null = null;
  const outside = fs.mkdtempSync(path.join(ROOT, '..', '.bk-outside-'));

  after(async () => {
    if (isStarted(berth)) removeServiceLeftovers(berth);
    await s3?.close();
    fs.rmSync(outside, { recursive: true, force: true });
  });
  const berth = useBerth({}, { setUp: () => ensureServiceImage(path.join(ROOT, 'plugins', 'postgres')) });
  const ok = (r: { code: number; stdout: string; stderr: string }) => { assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`); return r; };
  const sql = (service: string, q: string) => ok(berth.cli(['postgres:connect', service], { input: q })).stdout;
  const list = async (): Promise<Backup[]> => {
    const r = await berth.api('GET', `/api/v1/services/postgres/${pg}/backups`);
    assert.equal(r.status, 200, r.text);
    return r.json.backups as Backup[];
  };
  const root = () => path.join(berth.home, 'backups', 'services');

  before(async () => {
    s3 = await startS3Server(bucket);
    ok(berth.cli(['postgres:create', pg]));
    sql(pg, "CREATE TABLE t (v text); INSERT INTO t VALUES ('alpha'), ('beta');\n");
    const add = ok(berth.cli(['users:add', dev, '--role', 'developer', '--password'], { input: 'a developer password\n' }));
    devToken = add.stdout.trim().split('\n').pop()!;
    const app = uniqueName('bkapp');
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
    ok(berth.cli(['apps:collaborators:add', app, dev]));
    const v = await berth.api('POST', '/api/v1/users', { name: uniqueName('bkview'), role: 'viewer' });
    viewerToken = v.json.token;
  });

  it('refuses a folder outside the backup directory (also through a link) and S3 without a login; developers and viewers may not back up, restore, schedule or list', async () => {
    fs.mkdirSync(root(), { recursive: true });
    fs.symlinkSync(outside, path.join(root(), 'escape'));
    const base = `/api/v1/services/postgres/${pg}`;
    for (const to of [outside, '../../..', 'escape', 'escape/deeper', `dir:${outside}`]) {
      const r = await berth.api('POST', `${base}/backups`, { to });
      assert.deepEqual([r.status, r.json?.error?.code], [403, 'BACKUP_TARGET_OUTSIDE'], `--to ${to}: ${r.text}`);
      const s = await berth.api('POST', `${base}/backup-schedules/x`, { schedule: '* * * * *', keep: 2, to });
      assert.deepEqual([s.status, s.json?.error?.code], [403, 'BACKUP_TARGET_OUTSIDE'], `schedule --to ${to}: ${s.text}`);
    }
    const cli = berth.cli(['postgres:backup', pg, '--to', outside]);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /^!     ".+" is outside berth's backup directory \/.+\/backups\/services: backups are written only below it/);
    const noLogin = await berth.api('POST', `${base}/backups`, { to: `s3://${bucket}/x` });
    assert.deepEqual([noLogin.status, noLogin.json?.error?.code], [422, 'BACKUP_S3_NOT_SET'], noLogin.text);
    for (const [token, method, p, body] of [
      [devToken, 'POST', `${base}/backups`, {}], [devToken, 'POST', `${base}/backups/x/restore`, { into: 'stolen' }],
      [devToken, 'POST', `${base}/backup-schedules/x`, { schedule: '* * * * *', keep: 1 }], [devToken, 'GET', `${base}/backups`],
      [devToken, 'POST', `/api/v1/backups/s3/${bucket}`, { endpoint: 'http://127.0.0.1:1', accessKeyId: 'a', secretAccessKey: 'b' }],
      [viewerToken, 'GET', `${base}/backups`], [viewerToken, 'POST', `${base}/backups`, {}],
    ] as const) {
      const r = await berth.api(method, p, body, token);
      assert.deepEqual([r.status, r.json?.error?.code], [403, 'FORBIDDEN'], `${method} ${p}: ${r.text}`);
    }
    assert.deepEqual(fs.readdirSync(outside), [], 'nothing was written outside');
    assert.deepEqual(await list(), []);
  });

  it('a 1-minute schedule backs up to S3 (encrypted) and to a folder; --keep 2 leaves the newest two of each', async () => {
    ok(berth.cli(['backups:s3-set', bucket, '--endpoint', s3!.endpoint, '--access-key-id', 'S3RVER'], { input: 'S3RVER\n' }));
    ok(berth.cli(['postgres:backup-schedule', pg, '* * * * *', '--keep', '2', '--to', `s3://${bucket}/pg`, '--name', 's3', '--passphrase-stdin'], { input: 'a long passphrase\n' }));
    ok(berth.cli(['postgres:backup-schedule', pg, '* * * * *', '--keep', '2', '--name', 'dir']));
    const first = await waitFor('a scheduled backup of each schedule', async () => {
      const all = await list();
      const s = all.find((b) => b.schedule === 's3');
      const d = all.find((b) => b.schedule === 'dir');
      return s && d ? { s3: s, dir: d } : null;
    }, 90_000);
    // Both due once a year from now on, so no minute tick adds a run while the test counts.
    ok(berth.cli(['postgres:backup-schedule', pg, '0 0 1 1 *', '--keep', '2', '--to', `s3://${bucket}/pg`, '--name', 's3', '--passphrase-stdin'], { input: 'a long passphrase\n' }));
    ok(berth.cli(['postgres:backup-schedule', pg, '0 0 1 1 *', '--keep', '2', '--name', 'dir']));
    assert.equal(first!.s3.encrypted, true);
    const made: Record<'s3' | 'dir', string[]> = { s3: [], dir: [] };
    for (const name of ['s3', 'dir', 's3', 'dir'] as const) {
      made[name].push(JSON.parse(ok(berth.cli(['postgres:backup', pg, '--schedule', name, '--json'])).stdout).backup.id);
    }
    const kept = await list();
    for (const name of ['s3', 'dir'] as const) {
      assert.deepEqual(kept.filter((b) => b.schedule === name).map((b) => b.id).sort(), [...made[name]].sort(), `${name}: the two newest are kept`);
    }
    assert.deepEqual(s3!.objects('pg'), made.s3.map((id) => `${id}.dump.gz.enc`).sort(), 'the oldest object was deleted from the bucket');
    const folder = path.join(root(), 'postgres', pg);
    assert.deepEqual(fs.readdirSync(folder).sort(), made.dir.map((id) => `${id}.dump.gz`).sort(), 'the oldest file was deleted from the folder');
    // The folder's backup is gzip of the dump; the bucket's is encrypted (no dump text in it).
    assert.match(gunzipSync(fs.readFileSync(path.join(folder, `${made.dir[1]}.dump.gz`))).toString('utf8'), /INSERT INTO|COPY public\.t/);
    const object = fs.readFileSync(path.join(s3!.dir, bucket, 'pg', `${made.s3[1]}.dump.gz.enc._S3rver_object`));
    assert.equal(object.subarray(0, 9).toString('latin1'), 'BERTHENC1');
    const events = await berth.api('GET', '/api/v1/events?limit=100');
    assert.equal(events.json.events.filter((e: { kind: string; message: string }) => e.kind === 'service.backup' && e.message.includes(pg)).length, 6);
  });

  it('restoring into a new service (from S3, decrypted, and from the folder) returns the same rows', async () => {
    const all = await list();
    const fromS3 = all.find((b) => b.schedule === 's3')!;
    const fromDir = all.find((b) => b.schedule === 'dir')!;
    sql(pg, "INSERT INTO t VALUES ('after the backup');\n");
    ok(berth.cli(['backups:restore', `postgres:${pg}`, fromS3.id, '--into', restored.s3]));
    ok(berth.cli(['backups:restore', pg, fromDir.id, '--into', restored.dir]));
    for (const name of [restored.s3, restored.dir]) {
      assert.match(sql(name, "SELECT string_agg(v, ',' ORDER BY v) AS rows FROM t;\n"), /^ alpha,beta$/m, name);
    }
    const missing = await berth.api('POST', `/api/v1/services/postgres/${restored.s3}/backups/${fromS3.id}/restore`, {});
    assert.deepEqual([missing.status, missing.json?.error?.code], [404, 'BACKUP_NOT_FOUND'], 'a backup is restored only through its own service');
  });
});
