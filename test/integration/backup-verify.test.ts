import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ROOT, uniqueName } from '../support/berth-process';
import { DashboardSession } from '../support/dashboard-session';
import { isStarted, useBerth } from '../support/use-berth';
import { waitFor } from '../support/poll';
import { ensureServiceImage, removeServiceLeftovers } from './services-support';

interface Verification { backupId: string | null; schedule: string | null; ok: boolean; tables: Record<string, number> | null; problems: string[]; verifiedAt: string }
interface Hook { event: string; text: string; detail: string; data: { service: string; reason?: string } }

/** A loopback server for two broken things: a webhook receiver (kept POSTs) and an "S3" that answers 200 to every upload and keeps nothing. */
function startServer(): Promise<{ port: number; hooks: Hook[]; close(): Promise<void> }> {
  const hooks: Hook[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { raw += c; });
    req.on('end', () => {
      if (req.url === '/hook') { hooks.push(JSON.parse(raw) as Hook); res.end('ok'); return; }
      // The bucket: uploads are taken (and dropped), nothing is ever there to read.
      if (req.method === 'PUT') { res.writeHead(200, { etag: '"0"' }); res.end(); return; }
      if (req.method === 'DELETE') { res.writeHead(204); res.end(); return; }
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as AddressInfo).port, hooks,
    close: () => new Promise<void>((r) => server.close(() => r())),
  })));
}

const docker = (args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });

/**
 * Restores proven, not assumed (issue 28): each scheduled backup is read back from its target,
 * restored into a throw-away container (no network but loopback, no host port, removed
 * afterwards) and counted; a backup whose upload target lost it, and one whose dump is cut short,
 * are failed verifications with a notification; the good one shows its row counts.
 */
describe('verified restores: a good backup shows its row counts; a lost upload and a truncated dump fail verification with an alert', function () {
  this.timeout(600_000);
  const PASSWORD = 'backup verify test password';
  const pg = uniqueName('vfpg');
  const cache = uniqueName('vfredis');
  const bucket = `berth-vf-${crypto.randomBytes(3).toString('hex')}`;
  const other = uniqueName('vfother');
  const dev = uniqueName('vfdev');
  let devToken = '';
  let server: Awaited<ReturnType<typeof startServer>>;
  const berth = useBerth({ BERTH_ADMIN_PASSWORD: PASSWORD, BERTH_NOTIFY_BACKOFF_MS: '300' }, { setUp: () => { for (const p of ['postgres', 'redis']) ensureServiceImage(path.join(ROOT, 'plugins', p)); } });
  const ok = (r: { code: number; stdout: string; stderr: string }) => { assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`); return r; };
  const base = () => `/api/v1/services/postgres/${pg}`;
  const runSchedule = (schedule: string) => berth.api('POST', `${base()}/backups`, { schedule });
  const hooksOf = (event: string) => server.hooks.filter((h) => h.event === event && h.data.service.includes(pg));
  let good: { id: string; verification: Verification };

  after(async () => {
    if (isStarted(berth)) removeServiceLeftovers(berth);
    // By name too: the scope sweep left these volumes behind here (not understood yet; see the h28a report).
    docker(['volume', 'rm', '-f', `berth-svc-postgres-${pg}-data`, `berth-svc-redis-${cache}-data`]);
    await server?.close();
  });

  before(async () => {
    server = await startServer();
    ok(berth.cli(['postgres:create', pg]));
    ok(berth.cli(['postgres:connect', pg], { input: "CREATE TABLE t (v text); INSERT INTO t VALUES ('a'), ('b'), ('c'); CREATE TABLE u (n int); INSERT INTO u VALUES (1), (2);\n" }));
    ok(berth.cli(['notifications:add', '--global', `http://127.0.0.1:${server.port}/hook`]));
    // A developer of another app: the service is not linked to it.
    const add = ok(berth.cli(['users:add', dev, '--role', 'developer', '--password'], { input: 'a developer password\n' }));
    devToken = add.stdout.trim().split('\n').pop()!;
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: other })).status, 201);
    ok(berth.cli(['apps:collaborators:add', other, dev]));
    ok(berth.cli(['postgres:backup-schedule', pg, '0 0 1 1 *', '--keep', '5', '--name', 'good']));
    ok(berth.cli(['backups:s3-set', bucket, '--endpoint', `http://127.0.0.1:${server.port}`, '--access-key-id', 'K'], { input: 'S\n' }));
    ok(berth.cli(['postgres:backup-schedule', pg, '0 0 1 1 *', '--keep', '5', '--name', 'lost', '--to', `s3://${bucket}/pg`]));
  });

  it('a scheduled backup is restored in a container with no network and no port, counted (t 3, u 2), and the container and its volume are removed', async () => {
    const running = runSchedule('good');
    const scratch = await waitFor('the verification container', async () => {
      const name = docker(['ps', '--filter', `label=berth.verify.service=postgres/${pg}`, '--format', '{{.Names}}']).stdout.trim();
      return name || null;
    }, 120_000);
    const inspected = JSON.parse(docker(['inspect', scratch!]).stdout)[0];
    assert.equal(inspected.HostConfig.NetworkMode, 'none');
    assert.deepEqual(Object.keys(inspected.NetworkSettings.Networks), ['none'], 'on no app network and not on berth\'s');
    assert.deepEqual([inspected.HostConfig.PortBindings, inspected.HostConfig.PublishAllPorts, inspected.NetworkSettings.Ports], [null, false, {}], 'no host port');
    const res = await running;
    assert.equal(res.status, 201, res.text);
    good = res.json.backup;
    assert.deepEqual([good.verification.ok, good.verification.tables, good.verification.problems], [true, { 'public.t': 3, 'public.u': 2 }, []]);
    assert.equal(docker(['ps', '-a', '--filter', `label=berth.verify.service=postgres/${pg}`, '--format', '{{.Names}}']).stdout.trim(), '');
    assert.equal(docker(['volume', 'ls', '--filter', `label=berth.verify.service=postgres/${pg}`, '--format', '{{.Name}}']).stdout.trim(), '');
    const list = ok(berth.cli(['backups:list', `postgres:${pg}`])).stdout;
    assert.match(list, new RegExp(`^last verified restore: ${good.verification.verifiedAt} \\(${good.id}: 5 rows in 2 tables \\(public\\.t 3, public\\.u 2\\)\\)$`, 'm'));
  });

  it('an upload target that keeps nothing: the backup "succeeds", its restore fails verification, and a backup.unverified alert goes out', async () => {
    const res = await runSchedule('lost');
    assert.equal(res.status, 201, res.text);
    const v: Verification = res.json.backup.verification;
    assert.equal(v.ok, false);
    assert.equal(v.problems.length, 1);
    assert.match(v.problems[0], /^the restore failed: s3:\/\/berth-vf-[0-9a-f]+\/pg\/postgres-.+\.dump\.gz is not there \(http:\/\/127\.0\.0\.1:\d+\)\.$/);
    const hook = await waitFor('the backup.unverified alert', async () => hooksOf('backup.unverified')[0] ?? null, 60_000);
    assert.equal(hook!.data.service, `postgres service ${pg} (schedule lost)`);
    assert.equal(hook!.data.reason, 'failed');
    assert.equal(hook!.text, `berth: restore of postgres service ${pg} (schedule lost)'s backup failed verification`);
  });

  it('a truncated dump fails verification with an alert: cut mid-file (gzip ends early) and cut at a statement (the plugin\'s check)', async () => {
    const file = path.join(berth.home, 'backups', 'services', 'postgres', pg, `${good.id}.dump.gz`);
    const whole = fs.readFileSync(file);
    const before = hooksOf('backup.unverified').length;
    fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    const cut = await berth.api('POST', `${base()}/backups/${good.id}/verify`, {});
    assert.equal(cut.status, 200, cut.text);
    assert.deepEqual([cut.json.verification.ok, cut.json.verification.problems], [false, ['the restore failed: unexpected end of file']]);
    // The 111-byte-dump case: a valid gzip of a dump that stops before pg_dump's last line.
    const sql = gunzipSync(whole).toString('utf8');
    const end = sql.lastIndexOf('-- PostgreSQL database dump complete');
    fs.writeFileSync(file, gzipSync(Buffer.from(sql.slice(0, end))));
    const short = await berth.api('POST', `${base()}/backups/${good.id}/verify`, {});
    assert.deepEqual([short.json.verification.ok, short.json.verification.tables, short.json.verification.problems],
      [false, { 'public.t': 3, 'public.u': 2 }, ['the dump does not end with "-- PostgreSQL database dump complete": it was cut short']]);
    const hooks = await waitFor('two more alerts', async () => (hooksOf('backup.unverified').length >= before + 2 ? hooksOf('backup.unverified') : null), 60_000);
    assert.deepEqual(hooks!.slice(before).map((h) => h.detail), [
      `backup ${good.id}: the restore failed: unexpected end of file`,
      `backup ${good.id}: the dump does not end with "-- PostgreSQL database dump complete": it was cut short`,
    ]);
    fs.writeFileSync(file, whole);
    const cli = berth.cli(['backups:verify', `postgres:${pg}`, good.id]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, new RegExp(`^-----> \\S+  verified  ${good.id}  5 rows in 2 tables`, 'm'));
  });

  it('berth\'s own backup, made on the server, is read back and its database restored into a scratch home: tables counted, sealed values opened', async () => {
    const res = await berth.api('POST', '/api/v1/berth/backups', { scheduled: true });
    assert.equal(res.status, 201, res.text);
    const v = res.json.backup.verification;
    assert.deepEqual([v.ok, v.backupId, v.problems, v.tables.apps, v.tables.services], [true, res.json.backup.name, [], 1, 1], res.text);
    const listed = await berth.api('GET', '/api/v1/berth/backups');
    assert.equal(listed.json.lastVerified.backupId, res.json.backup.name);
    assert.match(ok(berth.cli(['backup:list'])).stdout, new RegExp(`^last verified restore: \\S+  verified  ${res.json.backup.name}  \\d+ rows in \\d+ tables`, 'm'));
    const dev = await berth.api('GET', '/api/v1/berth/backups', undefined, devToken);
    assert.deepEqual([dev.status, dev.json?.error?.code], [403, 'FORBIDDEN']);
  });

  it('the list and the dashboard show the last verified restore; a developer of another app may neither read nor run verifications', async () => {
    const list = await berth.api('GET', `${base()}/backups`);
    assert.equal(list.status, 200);
    const last: Verification = list.json.lastVerified;
    assert.deepEqual([last.ok, last.backupId, last.tables], [true, good.id, { 'public.t': 3, 'public.u': 2 }]);
    assert.deepEqual(list.json.verifications.map((v: Verification) => v.ok), [true, false, false, false, true], 'newest first');
    const session = new DashboardSession(berth.url);
    await session.login(PASSWORD);
    const page = await session.get('/services');
    const row = new RegExp(`<tr data-service="postgres/${pg}">[\\s\\S]*?</tr>`).exec(page.text)?.[0] ?? '';
    assert.match(row, new RegExp(`<time datetime="${last.verifiedAt}">${last.verifiedAt}</time> <span class="muted">2 tables, 5 rows</span>`));
    const backupsPage = await session.get(`/services/postgres/${pg}/backups`);
    assert.equal(backupsPage.status, 200);
    assert.match(backupsPage.text, new RegExp(`<p data-last-verified>Last verified restore:\\s*<time datetime="${last.verifiedAt}">${last.verifiedAt}</time> <code>${good.id}</code> <span class="muted">2 tables, 5 rows</span>`));
    assert.match(backupsPage.text, /<td data-label="Detail">the restore failed: unexpected end of file<\/td>/);
    const berthPage = await session.get('/berth/backups');
    assert.match(berthPage.text, /<p data-last-verified>Last verified restore:\s*<time datetime="[^"]+">/);
    for (const [method, p] of [['GET', `${base()}/backups`], ['POST', `${base()}/backups/${good.id}/verify`]] as const) {
      const r = await berth.api(method, p, method === 'POST' ? {} : undefined, devToken);
      assert.deepEqual([r.status, r.json?.error?.code], [403, 'FORBIDDEN'], `${method} ${p}: ${r.text}`);
    }
  });

  it('a redis backup: the restored copy\'s key count and a sample of its keys with their types', async () => {
    ok(berth.cli(['redis:create', cache]));
    ok(berth.cli(['redis:connect', cache], { input: 'SET greeting hello\nRPUSH queue a b\nHSET user:1 name ada\n' }));
    const made = await berth.api('POST', `/api/v1/services/redis/${cache}/backups`, {});
    assert.equal(made.status, 201, made.text);
    const v = (await berth.api('POST', `/api/v1/services/redis/${cache}/backups/${made.json.backup.id}/verify`, {})).json.verification;
    assert.deepEqual([v.ok, v.keys, [...v.sample].sort(), v.tables], [true, 3, ['greeting (string)', 'queue (list)', 'user:1 (hash)'], null]);
  });
});
