import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { uniqueName, untagAppImages } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';
import { removeServiceLeftovers } from '../integration/services-support';

/**
 * Resources named by an app's name were adopted by whoever took the name: an app called `svc`
 * mounting `redis-<name>-data` got the service's volume (`berth-svc-redis-<name>-data`), and a new
 * app with a destroyed or renamed app's name got its volumes and storage folder. They are named
 * by the app's stable id now; destroy removes them unless --keep-data says otherwise.
 */
describe('security: resources named by ids', function () {
  this.timeout(300_000);
  let wt: WorkTree;
  const service = uniqueName('secvol');
  const first = uniqueName('sec-old');
  const renamed = uniqueName('sec-new');
  const docker = (args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
  const ok = (r: { code: number; stdout: string; stderr: string }) => { assert.equal(r.code, 0, r.stderr || r.stdout); return r; };
  const idOf = async (app: string) => (await berth.api('GET', `/api/v1/apps/${app}`)).json.app.id as string;
  const mounts = (app: string) => (JSON.parse(ok(berth.cli(['storage:list', app, '--json'])).stdout).mounts as { source: string; target: string }[])
    .map((m) => [m.source, m.target]);
  const volumes: string[] = [];

  after(async () => {
    wt?.remove();
    if (isStarted(berth)) removeServiceLeftovers(berth);
    for (const v of volumes) docker(['volume', 'rm', '-f', v]);
  });
  const berth = useBerth();
  before(async () => {
    wt = WorkTree.fromFixture('oneoff-app');
  });
  after(async () => {
    untagAppImages([first, renamed, 'svc']);
  });

  it('an app named svc mounting a service volume\'s name gets a volume of its own; the service\'s volume is untouched', async () => {
    ok(berth.cli(['redis:create', service]));
    const serviceVolume = `berth-svc-redis-${service}-data`;
    ok(berth.cli(['apps:create', 'svc']));
    const r = ok(berth.cli(['storage:mount', 'svc', `redis-${service}-data:/steal`]));
    const own = `berth-app-${await idOf('svc')}-redis-${service}-data`;
    assert.match(r.stdout, new RegExp(`Mounted ${own} at /steal`));
    assert.deepEqual(mounts('svc'), [[own, '/steal']], 'never the service\'s volume');
    assert.notEqual(own, serviceVolume);
    ok(berth.cli(['apps:destroy', 'svc', '--confirm', 'svc']));
    assert.equal(docker(['volume', 'inspect', serviceVolume]).status, 0, 'the service keeps its volume');
  });

  it('a rename keeps the app\'s volume and storage folder; a new app with the old name gets neither', async () => {
    ok(berth.cli(['apps:create', first]));
    const id = await idOf(first);
    ok(berth.cli(['storage:mount', first, 'data:/data']));
    const folder = path.join(berth.home, 'storage', id, 'files');
    ok(berth.cli(['storage:mount', first, `${folder}:/files`]));
    fs.writeFileSync(path.join(folder, 'marker.txt'), 'kept\n');
    const pushed = wt.push(berth.url, berth.token, first);
    assert.equal(pushed.code, 0, pushed.output);
    volumes.push(`berth-app-${id}-data`);
    ok(berth.cli(['run', first, '--', 'sh', '-c', 'echo in-volume > /data/marker.txt']));

    ok(berth.cli(['apps:rename', first, renamed]));
    assert.equal(await idOf(renamed), id, 'the id survives the rename');
    // The rename redeploys through the build queue: wait for it, so what runs below is settled.
    await waitFor('the redeploy after the rename', async () => {
      const builds = (await berth.api('GET', `/api/v1/apps/${renamed}/builds`)).json.builds as { status: string }[];
      return builds.length === 2 && builds[0]!.status === 'succeeded';
    });
    assert.deepEqual(mounts(renamed), [[`berth-app-${id}-data`, '/data'], [folder, '/files']]);
    // The renamed app still starts with its mounts and sees its data.
    const read = ok(berth.cli(['run', renamed, '--', 'sh', '-c', 'cat /data/marker.txt /files/marker.txt']));
    assert.equal(read.stdout, 'in-volume\nkept\n');

    ok(berth.cli(['apps:create', first]));
    const newId = await idOf(first);
    assert.notEqual(newId, id);
    ok(berth.cli(['storage:mount', first, 'data:/data']));
    assert.deepEqual(mounts(first), [[`berth-app-${newId}-data`, '/data']], 'the old name does not bring the old volume');
    assert.equal(fs.existsSync(path.join(berth.home, 'storage', newId)), false);
    ok(berth.cli(['apps:destroy', first, '--confirm', first]));
  });

  it('destroy removes the app\'s volumes and storage folder; --keep-data keeps them under the dead id', async () => {
    const id = await idOf(renamed);
    ok(berth.cli(['apps:destroy', renamed, '--confirm', renamed]));
    assert.equal(docker(['volume', 'inspect', `berth-app-${id}-data`]).status, 1, 'the volume is gone');
    assert.equal(fs.existsSync(path.join(berth.home, 'storage', id)), false, 'the storage folder is gone');

    const kept = uniqueName('sec-keep');
    ok(berth.cli(['apps:create', kept]));
    const keptId = await idOf(kept);
    ok(berth.cli(['storage:mount', kept, 'data:/data']));
    ok(berth.cli(['storage:mount', kept, `${path.join(berth.home, 'storage', keptId, 'files')}:/files`]));
    // As its first deploy would: docker makes the volume when a container mounts it.
    const volume = `berth-app-${keptId}-data`;
    volumes.push(volume);
    assert.equal(docker(['volume', 'create', volume]).status, 0);
    ok(berth.cli(['apps:destroy', kept, '--confirm', kept, '--keep-data']));
    assert.equal(docker(['volume', 'inspect', volume]).status, 0, 'the volume is kept');
    assert.ok(fs.statSync(path.join(berth.home, 'storage', keptId, 'files')).isDirectory(), 'the folder is kept');
    const events = (await berth.api('GET', '/api/v1/events')).json.events as { app: string; kind: string; message: string }[];
    assert.deepEqual(events.filter((e) => e.app === kept && e.kind === 'app.destroyed').map((e) => e.message),
      [`destroyed ${kept} (its volumes berth-app-${keptId}-* and storage folder ${keptId} kept)`]);
  });
});
