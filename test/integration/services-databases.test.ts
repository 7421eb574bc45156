import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, uniqueName } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { ensureServiceImage, exportToFile, importFromFile, removeAppImages, removeServiceLeftovers, rows, write } from './services-support';

/** postgres, redis and mariadb through one fixture app (built once): link, rows over HTTP, restarts, backups. */
describe('services: postgres, redis and mariadb linked to an app', function () {
  this.timeout(600_000);
  let wt: WorkTree;
  const app = uniqueName('svc');
  const names = { postgres: uniqueName('pg'), redis: uniqueName('rd'), mariadb: uniqueName('my') };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-svc-'));
  const ok = (r: { code: number; stdout: string; stderr: string }) => assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);

  after(async () => {
    wt?.remove();
    fs.rmSync(tmp, { recursive: true, force: true });
    if (isStarted(berth)) removeServiceLeftovers(berth);
  });
  const berth = useBerth({}, {
    setUp: () => {
      for (const p of ['postgres', 'redis', 'mariadb']) ensureServiceImage(path.join(ROOT, 'plugins', p));
    },
  });
  before(async () => {
    wt = WorkTree.fromFixture('service-client');
    const push = wt.push(berth.url, berth.token, app);
    assert.equal(push.code, 0, push.output);
  });
  after(async () => {
    removeAppImages([app]);
  });

  it('postgres:create + postgres:link: the app writes and reads rows through DATABASE_URL', async () => {
    ok(berth.cli(['postgres:create', names.postgres]));
    const link = berth.cli(['postgres:link', names.postgres, app]);
    ok(link);
    assert.match(link.stdout, /Linked: set DATABASE_URL/);
    assert.match((await berth.viaRouter(`${app}.localhost`, '/env/DATABASE_URL')).text, new RegExp(`^postgres://.+@berth-svc-postgres-${names.postgres}:5432/`));
    await write(berth, app, 'pg', 'alpha');
    await write(berth, app, 'pg', 'beta');
    assert.deepEqual(await rows(berth, app, 'pg'), ['alpha', 'beta']);
  });

  it('redis: the app writes and reads through REDIS_URL', async () => {
    ok(berth.cli(['redis:create', names.redis]));
    ok(berth.cli(['redis:link', names.redis, app]));
    await write(berth, app, 'redis', 'r1');
    await write(berth, app, 'redis', 'r2');
    assert.deepEqual(await rows(berth, app, 'redis'), ['r1', 'r2']);
  });

  it('mariadb: a taken alias is refused; --alias MARIADB_URL works', async () => {
    ok(berth.cli(['mariadb:create', names.mariadb]));
    const taken = berth.cli(['mariadb:link', names.mariadb, app]);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /gets DATABASE_URL from postgres service .*--alias/);
    ok(berth.cli(['mariadb:link', names.mariadb, app, '--alias', 'MARIADB_URL']));
    await write(berth, app, 'mysql', 'm1');
    assert.deepEqual(await rows(berth, app, 'mysql'), ['m1']);
    const info = berth.cli(['mariadb:info', names.mariadb, '--json']);
    assert.deepEqual(JSON.parse(info.stdout).service.links, [{ app, alias: 'MARIADB_URL' }]);
  });

  it('redeploying the app and restarting the services keep the data', async () => {
    ok(berth.cli(['config:set', app, 'SOME=thing']));
    for (const [plugin, name] of Object.entries(names)) ok(berth.cli([`${plugin}:restart`, name]));
    assert.deepEqual(await rows(berth, app, 'pg'), ['alpha', 'beta']);
    assert.deepEqual(await rows(berth, app, 'redis'), ['r1', 'r2']);
    assert.deepEqual(await rows(berth, app, 'mysql'), ['m1']);
  });

  for (const [plugin, kind, alias, expected] of [
    ['postgres', 'pg', 'DATABASE_URL', ['alpha', 'beta']],
    ['redis', 'redis', 'REDIS_URL', ['r1', 'r2']],
    ['mariadb', 'mysql', 'MARIADB_URL', ['m1']],
  ] as const) {
    it(`${plugin}: unlink removes ${alias} and restarts; export → destroy --force → create → import brings the rows back`, async () => {
      const name = names[plugin];
      const dump = path.join(tmp, `${plugin}.dump`);
      ok(berth.cli([`${plugin}:unlink`, name, app]));
      assert.equal((await berth.viaRouter(`${app}.localhost`, `/env/${alias}`)).status, 404, `${alias} is gone`);
      const exp = exportToFile(berth, `${plugin}:export`, name, dump);
      assert.equal(exp.code, 0, exp.stderr);
      assert.ok(fs.statSync(dump).size > 0);
      ok(berth.cli([`${plugin}:destroy`, name, '--confirm', name, '--force']));
      ok(berth.cli([`${plugin}:create`, name]));
      const imp = importFromFile(berth, `${plugin}:import`, name, dump);
      assert.equal(imp.code, 0, `${imp.stdout}${imp.stderr}`);
      ok(berth.cli([`${plugin}:link`, name, app, '--alias', alias]));
      assert.deepEqual(await rows(berth, app, kind), [...expected]);
    });
  }

  it('destroy without --force keeps the data volume; create reuses it', async () => {
    const name = names.redis;
    ok(berth.cli(['redis:unlink', name, app]));
    const destroyed = berth.cli(['redis:destroy', name, '--confirm', name]);
    ok(destroyed);
    assert.match(destroyed.stdout, /data volume is kept/);
    ok(berth.cli(['redis:create', name]));
    ok(berth.cli(['redis:link', name, app]));
    assert.deepEqual(await rows(berth, app, 'redis'), ['r1', 'r2']);
  });
});
