import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ownImageLabel } from '../support/app-images';
import { uniqueName } from '../support/berth-process';
import { waitFor } from '../support/poll';
import { useBerth } from '../support/use-berth';

const sh = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
/** `du -sB1 -c` of the paths that exist: what apps:disk must agree with. */
const du = (...paths: string[]): number => {
  const there = paths.filter((p) => fs.existsSync(p));
  return there.length === 0 ? 0 : Number(sh('du', ['-sB1', '-c', ...there]).split('\n').pop()!.split('\t')[0]);
};
const DAY = 86_400_000;

/**
 * An untagged image docker calls `created` then, loaded from a hand-made archive (one 1-byte layer):
 * a dangling image as old (or new) as the test needs. Answers its id.
 */
function loadDanglingImage(created: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dangling-'));
  try {
    fs.mkdirSync(path.join(dir, 'layer'));
    fs.writeFileSync(path.join(dir, 'layer', created.replace(/\W/g, '')), crypto.randomBytes(8).toString('hex'));
    sh('tar', ['-C', path.join(dir, 'layer'), '-cf', path.join(dir, 'layer.tar'), '.']);
    const diffId = `sha256:${crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, 'layer.tar'))).digest('hex')}`;
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', created, config: {}, rootfs: { type: 'layers', diff_ids: [diffId] } });
    const configName = `${crypto.createHash('sha256').update(config).digest('hex')}.json`;
    fs.writeFileSync(path.join(dir, configName), config);
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: null, Layers: ['layer.tar'] }]));
    sh('tar', ['-C', dir, '-cf', path.join(dir, 'image.tar'), 'manifest.json', configName, 'layer.tar']);
    sh('docker', ['load', '-q', '-i', path.join(dir, 'image.tar')]);
    return `sha256:${configName.replace(/\.json$/, '')}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('disk hygiene: apps:disk agrees with docker and du; cleanup applies retention, rotates router logs, prunes old dangling images', function () {
  this.timeout(240_000);
  // Retention at its lowest: a day for logs and events, every non-empty router log rotated; the disk "low" at 1 %.
  const berth = useBerth({ BERTH_BUILD_LOG_DAYS: '1', BERTH_EVENT_DAYS: '1', BERTH_ROUTER_LOG_MB: '0', BERTH_DISK_WARN_PERCENT: '1' });
  const app = uniqueName('disk');
  const other = uniqueName('diskother');
  const image = `berth-test/${app}:1`;
  const host = `${app}.localhost`;
  const dangling: string[] = [];
  let dev = '';

  before(async () => {
    const built = spawnSync('docker', ['build', '-q', '-t', image, '-'], {
      input: `FROM berth/busybox:latest\n${ownImageLabel(app)}RUN mkdir -p /www && echo disk > /www/index.html\nEXPOSE 8000\nCMD ["httpd", "-f", "-p", "8000", "-h", "/www"]\n`,
      encoding: 'utf8',
    });
    assert.equal(built.status, 0, built.stderr);
    for (const a of [app, other]) assert.equal((await berth.api('POST', '/api/v1/apps', { name: a })).status, 201);
    assert.equal((await berth.api('POST', `/api/v1/apps/${app}/storage`, { mount: 'data:/data' })).status, 201);
    assert.equal((await berth.api('POST', `/api/v1/apps/${app}/storage/directories`, { name: 'files' })).status, 201);
    const dep = await berth.api('POST', `/api/v1/apps/${app}/deploys`, { image });
    assert.equal(dep.status, 202, dep.text);
    assert.match((await berth.api('GET', `/api/v1/apps/${app}/builds/${dep.json.build.id}/log?follow=1`)).text, /@@berth-status succeeded/);
    const user = await berth.api('POST', '/api/v1/users', { name: uniqueName('dev'), role: 'developer' });
    assert.equal(user.status, 201, user.text);
    dev = user.json.token;
    assert.equal((await berth.api('POST', `/api/v1/apps/${app}/collaborators`, { user: user.json.user.name })).status, 201);
  });
  after(() => {
    spawnSync('docker', ['rmi', '-f', image, ...dangling]);
  });

  it('apps:disk: each image as docker sizes it, the volume, storage and logs as du counts them, and their sum', async () => {
    const mounts = (await berth.api('GET', `/api/v1/apps/${app}/storage`)).json.mounts as Array<{ source: string; kind: string }>;
    const volume = mounts.find((m) => m.kind === 'volume')!.source;
    const volumeDir = sh('docker', ['volume', 'inspect', '-f', '{{.Mountpoint}}', volume]);
    fs.writeFileSync(path.join(volumeDir, 'blob'), crypto.randomBytes(300_000));
    const storageRoot = path.join(berth.home, 'storage', fs.readdirSync(path.join(berth.home, 'storage'))[0]);
    fs.writeFileSync(path.join(storageRoot, 'files', 'blob'), crypto.randomBytes(200_000));
    const routerLog = (name: string) => path.join(berth.home, 'nginx', 'logs', `${app}.${name}.log`);
    assert.equal((await berth.viaRouter(host)).text, 'disk\n');
    await waitFor('the request in the router\'s access log', () => fs.existsSync(routerLog('access')) && fs.statSync(routerLog('access')).size > 0);

    const res = await berth.api('GET', `/api/v1/apps/${app}/disk`);
    assert.equal(res.status, 200, res.text);
    const d = res.json.disk;
    assert.deepEqual(d.images.map((i: { tags: string[] }) => i.tags), [[`berth/${app}:v1`]]);
    assert.equal(d.images[0].bytes, Number(sh('docker', ['image', 'inspect', '-f', '{{.Size}}', `berth/${app}:v1`])));
    assert.deepEqual(d.volumes, [{ name: volume, bytes: du(volumeDir) }]);
    assert.ok(d.volumes[0].bytes >= 300_000, 'the volume holds the blob');
    assert.equal(d.storageBytes, du(storageRoot));
    const builds = (await berth.api('GET', `/api/v1/apps/${app}/builds`)).json.builds as Array<{ id: number }>;
    assert.equal(d.logs.builds, du(...builds.map((b) => path.join(berth.home, 'logs', 'builds', `${b.id}.log`))));
    assert.equal(d.logs.archive, du(path.join(berth.home, 'logs', 'apps', app)));
    assert.equal(d.logs.router, du(routerLog('access'), routerLog('error')));
    assert.equal(d.totalBytes, d.images[0].bytes + d.volumes[0].bytes + d.storageBytes + d.logs.builds + d.logs.archive + d.logs.router);
  });

  it('a developer reads their app\'s disk but not another app\'s, and may not run a cleanup', async () => {
    assert.equal((await berth.api('GET', `/api/v1/apps/${app}/disk`, undefined, dev)).status, 200);
    const otherApp = await berth.api('GET', `/api/v1/apps/${other}/disk`, undefined, dev);
    assert.equal(otherApp.status, 403, otherApp.text);
    assert.equal(otherApp.json.error.code, 'FORBIDDEN');
    const clean = await berth.api('POST', '/api/v1/cleanup', { dryRun: false }, dev);
    assert.equal(clean.status, 403, clean.text);
    assert.equal(clean.json.error.code, 'FORBIDDEN');
  });

  it('the disk watch recorded disk.low once, past BERTH_DISK_WARN_PERCENT', async () => {
    const state = (await berth.api('GET', '/api/v1/disk')).json.disk;
    assert.equal(state.warnPercent, 1);
    assert.equal(state.low, true);
    const low = ((await berth.api('GET', '/api/v1/events?limit=1000')).json.events as Array<{ kind: string; message: string }>).filter((e) => e.kind === 'disk.low');
    assert.equal(low.length, 1, 'once per crossing, not per check');
    assert.match(low[0].message, /is [\d.]+% full \(warning at 1%, BERTH_DISK_WARN_PERCENT\)/);
  });

  it('cleanup: a dry run changes nothing; then old build logs and events go, the router log is copied aside and emptied (nginx keeps writing it), old dangling images go', async () => {
    const logsDir = path.join(berth.home, 'logs', 'builds');
    const fresh = fs.readdirSync(logsDir);
    const old = path.join(logsDir, '999999.log');
    fs.writeFileSync(old, 'an old build\n');
    const twoDaysAgo = new Date(Date.now() - 2 * DAY);
    fs.utimesSync(old, twoDaysAgo, twoDaysAgo);
    const db = new Database(path.join(berth.home, 'berth.db'));
    try {
      db.prepare('INSERT INTO events (app, kind, message, user, source, at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(app, 'config.changed', 'an old event', null, null, twoDaysAgo.toISOString());
    } finally { db.close(); }
    const oldImage = loadDanglingImage('2020-01-01T00:00:00Z');
    const newImage = loadDanglingImage(new Date().toISOString());
    dangling.push(oldImage, newImage);
    const exists = (id: string) => spawnSync('docker', ['image', 'inspect', id]).status === 0;
    assert.equal(exists(oldImage) && exists(newImage), true);
    const access = path.join(berth.home, 'nginx', 'logs', `${app}.access.log`);

    const dry = await berth.api('POST', '/api/v1/cleanup', { dryRun: true });
    assert.equal(dry.status, 200, dry.text);
    assert.deepEqual(dry.json.cleanup.buildLogs.removed, 1);
    assert.deepEqual(dry.json.cleanup.events, { removed: 1 });
    assert.ok(dry.json.cleanup.routerLogs.includes(`${app}.access.log`), dry.text);
    assert.equal(dry.json.cleanup.images, null);
    assert.equal(fs.existsSync(old), true, 'a dry run removes nothing');
    assert.equal(fs.existsSync(`${access}.1`), false);

    const unsaid = await berth.api('POST', '/api/v1/cleanup', {});
    assert.deepEqual([unsaid.status, unsaid.json.error.code], [400, 'INVALID_INPUT'], 'a body that does not say dryRun removes nothing');
    assert.equal(fs.existsSync(old), true);
    const run = await berth.api('POST', '/api/v1/cleanup', { dryRun: false });
    assert.equal(run.status, 200, run.text);
    assert.equal(run.json.cleanup.buildLogs.removed, 1);
    assert.deepEqual(run.json.cleanup.events, { removed: 1 });
    assert.equal(fs.existsSync(old), false);
    assert.deepEqual(fs.readdirSync(logsDir).sort(), fresh.sort(), 'the fresh build logs stay');
    const events = (await berth.api('GET', `/api/v1/events?app=${app}&limit=1000`)).json.events as Array<{ message: string }>;
    assert.equal(events.some((e) => e.message === 'an old event'), false);
    assert.ok(fs.statSync(`${access}.1`).size > 0, 'the access log moved aside');
    assert.equal(exists(oldImage), false, 'the 2020 dangling image is pruned');
    assert.equal(exists(newImage), true, 'a dangling image younger than BERTH_DANGLING_IMAGE_HOURS stays');
    assert.ok(run.json.cleanup.images.removed >= 1);

    // Emptied in place: nginx's next line lands at the start of the same file, not in the copy.
    assert.equal(fs.statSync(access).size, 0);
    const movedSize = fs.statSync(`${access}.1`).size;
    assert.equal((await berth.viaRouter(host)).text, 'disk\n');
    await waitFor('the next request in the emptied access log', () => fs.statSync(access).size > 0);
    assert.match(fs.readFileSync(access, 'utf8'), /^\S+ - - \[/, 'the file starts with a whole line (no hole from the old offset)');
    assert.equal(fs.statSync(`${access}.1`).size, movedSize);
  });
});
