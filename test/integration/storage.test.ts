import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';


describe('storage: named volumes and host folders survive redeploys, rollbacks and restarts', function () {
  this.timeout(600_000);
  let wt: WorkTree;
  const app = uniqueName('store');
  const host = `${app}.localhost`;
  /** Named by the app's id (known once the app exists): `berth-app-<id>-data`, folders under storage/<id>. */
  let volume = '';
  let root = '';
  const text = async (p: string) => (await berth.viaRouter(host, p)).text.trim();

  after(async () => {
    wt?.remove();
  });
  const berth = useBerth();
  before(async () => {
    wt = WorkTree.fromFixture('storage-app');
  });
  after(async () => {
    if (volume) spawnSync('docker', ['volume', 'rm', '-f', volume]);
  });

  it('validates mounts: host paths only under $BERTH_HOME/storage/<app id>, volumes named by the app id, one mount per container path', async () => {
    const created = await berth.api('POST', '/api/v1/apps', { name: app });
    assert.equal(created.status, 201);
    const id = created.json.app.id as string;
    assert.match(id, /^[0-9a-f]{12}$/);
    volume = `berth-app-${id}-data`;
    root = path.join(berth.home, 'storage', id);
    for (const bad of ['/etc:/etc-host', `${root}/../other:/x`, 'data:relative', 'Bad Name:/x', 'data:/proc/x', 'a:b:c', `${root}/x:/data/../etc`]) {
      const r = await berth.api('POST', `/api/v1/apps/${app}/storage`, { mount: bad });
      assert.equal(r.status, 422, bad);
      assert.equal(r.json.error.code, 'INVALID_STORAGE_MOUNT', bad);
    }
    const vol = berth.cli(['storage:mount', app, 'data:/data']);
    assert.equal(vol.code, 0, vol.stderr);
    assert.match(vol.stdout, new RegExp(`Mounted ${volume} at /data`));
    const dir = berth.cli(['storage:mount', app, `${root}/files:/files`]);
    assert.equal(dir.code, 0, dir.stderr);
    assert.ok(fs.statSync(path.join(root, 'files')).isDirectory(), 'the host folder is created');
    const dup = await berth.api('POST', `/api/v1/apps/${app}/storage`, { mount: 'other:/data' });
    assert.equal(dup.json.error.code, 'STORAGE_MOUNT_EXISTS');
    const list = JSON.parse(berth.cli(['storage:list', app, '--json']).stdout).mounts;
    assert.deepEqual(list.map((m: { source: string; target: string; kind: string }) => [m.kind, m.source, m.target]),
      [['volume', volume, '/data'], ['host', path.join(root, 'files'), '/files']]);
    const missing = await berth.api('POST', `/api/v1/apps/${app}/storage/unmount`, { mount: '/nothing' });
    assert.equal(missing.json.error.code, 'STORAGE_MOUNT_NOT_FOUND');
  });

  it('a file written by v1 is still there after a redeploy, a rollback and a restart', async () => {
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    assert.equal(await text('/data-first.txt'), 'v1');
    assert.equal(await text('/files-first.txt'), 'v1');
    assert.equal(fs.readFileSync(path.join(root, 'files', 'first.txt'), 'utf8').trim(), 'v1');

    wt.write('www/version.txt', 'v2\n');
    wt.commitAll('v2');
    assert.equal(wt.push(berth.url, berth.token, app).code, 0);
    assert.equal(await text('/version.txt'), 'v2');
    assert.equal(await text('/data-first.txt'), 'v1', 'the volume outlived the redeploy');
    assert.equal(await text('/files-first.txt'), 'v1', 'the host folder outlived the redeploy');

    const rb = berth.cli(['releases:rollback', app, 'v1']);
    assert.equal(rb.code, 0, rb.stderr);
    assert.equal(await text('/data-first.txt'), 'v1');

    assert.equal(berth.cli(['ps:scale', app, 'web=2']).code, 0);
    assert.equal(berth.cli(['ps:restart', app]).code, 0);
    for (let i = 0; i < 4; i++) assert.equal(await text('/data-first.txt'), 'v1', 'every container mounts it');
  });

  it('storage:unmount takes effect at the next restart; the data stays', async () => {
    const r = berth.cli(['storage:unmount', app, 'data:/data']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(berth.cli(['ps:restart', app]).code, 0);
    // The old containers may answer until they are retired: wait for the new ones' answer.
    await waitFor('no /data any more (404 from the restarted containers)', async () => (await berth.viaRouter(host, '/data-first.txt')).status === 404, 30_000);
    assert.equal(await text('/files-first.txt'), 'v1');
    const inVolume = spawnSync('docker', ['run', '--rm', '-v', `${volume}:/v`, 'berth/busybox:latest', 'cat', '/v/first.txt'], { encoding: 'utf8' });
    assert.equal(inVolume.stdout.trim(), 'v1');
    assert.equal(berth.cli(['storage:unmount', app, '/files']).code, 0);
    assert.deepEqual(JSON.parse(berth.cli(['storage:list', app, '--json']).stdout).mounts, []);
  });
});
