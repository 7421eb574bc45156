import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, uniqueName } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { csrfIn, DashboardSession } from '../support/dashboard-session';
import { ensureServiceImage, removeAppImages, removeServiceLeftovers, rows, write } from './services-support';

/** v2's release command: a migration that adds a column and rewrites every row. */
const MIGRATE = `const { Client } = require('pg');
(async () => {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query('ALTER TABLE rows ADD COLUMN migrated BOOLEAN NOT NULL DEFAULT true');
  await c.query('UPDATE rows SET v = upper(v)');
  await c.query('CREATE TABLE audit (id SERIAL PRIMARY KEY, what TEXT)');
  await c.end();
  console.log('migrated');
})().catch((e) => { console.error(e.message); process.exit(1); });
`;

/**
 * Snapshot before migrations (issue 28): a release with a release command snapshots the linked
 * postgres first; `releases:rollback --restore-data` brings v1's code and v1's rows back, a plain
 * rollback leaves the data; a developer cannot restore a service another app uses, nor name a file.
 */
describe('release snapshots: a database snapshot before the release command, and rollback --restore-data', function () {
  this.timeout(600_000);
  const app = uniqueName('snap');
  const other = uniqueName('snap-other');
  const pg = uniqueName('snappg');
  const dev = uniqueName('dev');
  let devToken = '';
  const DEV_PASSWORD = 'a developer password';
  let wt: WorkTree;
  const ok = (r: { code: number; stdout: string; stderr: string }) => assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  /** The public tables and the columns of the app's table, from psql in the service container: `audit;id,migrated,v`. */
  const columns = () => {
    const r = berth.cli(['postgres:connect', pg], { input: "SELECT 'cols=' || (SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public') || ';' || string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'rows';\n" });
    ok(r);
    return /cols=([a-z_,;]+)/.exec(r.stdout)?.[1];
  };
  const current = () => (JSON.parse(berth.cli(['releases', app, '--json']).stdout).releases as Array<{ version: number; current: boolean }>).find((r) => r.current)?.version;

  // Before useBerth's own after (which stops berth): the service's container and volume go while berth's scope is known.
  after(() => {
    wt?.remove();
    if (isStarted(berth)) removeServiceLeftovers(berth);
    removeAppImages([app]);
  });
  const berth = useBerth({}, { setUp: () => ensureServiceImage(path.join(ROOT, 'plugins', 'postgres')) });

  before(async () => {
    ok(berth.cli(['apps:create', app]));
    ok(berth.cli(['postgres:create', pg]));
    ok(berth.cli(['postgres:link', pg, app]));
    wt = WorkTree.fromFixture('service-client');
    const push = wt.push(berth.url, berth.token, app);
    assert.equal(push.code, 0, push.output);
    await write(berth, app, 'pg', 'alpha');
    await write(berth, app, 'pg', 'beta');
    const add = berth.cli(['users:add', dev, '--role', 'developer', '--password'], { input: `${DEV_PASSWORD}\n` });
    ok(add);
    devToken = add.stdout.trim().split('\n').pop()!;
    ok(berth.cli(['apps:collaborators:add', app, dev]));
  });

  it('v2 with a release command: the database is snapshotted first (shown in releases), then migrated', async () => {
    wt.write('migrate.js', MIGRATE);
    wt.write('Procfile', 'web: node server.js\nrelease: node migrate.js\n');
    wt.write('Dockerfile', wt.read('Dockerfile').replace('COPY server.js ./', 'COPY server.js migrate.js ./'));
    wt.write('server.js', `${wt.read('server.js')}\nroutes.version = async () => 'v2';\n`);
    wt.commitAll('v2: migrate rows');
    const push = wt.push(berth.url, berth.token, app);
    assert.equal(push.code, 0, push.output);
    assert.match(push.output, new RegExp(`Snapshot of postgres service ${pg} before v2's release command[\\s\\S]*Running release command: node migrate.js[\\s\\S]*migrated`));
    assert.deepEqual(await rows(berth, app, 'pg'), ['ALPHA', 'BETA']);
    assert.equal(columns(), 'audit,rows;id,migrated,v');
    const list = JSON.parse(berth.cli(['releases', app, '--json']).stdout).releases as Array<{ version: number; snapshot: { services: Array<{ plugin: string; service: string; size: number }>; size: number } | null }>;
    assert.deepEqual(list.map((r) => [r.version, r.snapshot?.services.map((s) => `${s.plugin}/${s.service}`) ?? null]), [[2, [`postgres/${pg}`]], [1, null]]);
    assert.ok(list[0].snapshot!.size > 0);
    // The disk figures count the snapshot folder (du: whole blocks, so at least the file's size).
    const diskOut = berth.cli(['apps:disk', app, '--json']);
    ok(diskOut);
    const disk = JSON.parse(diskOut.stdout).disk as { snapshotsBytes: number };
    assert.ok(disk.snapshotsBytes >= list[0].snapshot!.size, JSON.stringify(disk));
    const table = berth.cli(['releases', app]);
    assert.match(table.stdout, new RegExp(`v2 .*postgres/${pg} \\d`));
  });

  it('a rollback without --restore-data leaves the migrated data; --restore-data to v2 finds no snapshot before v3', async () => {
    ok(berth.cli(['releases:rollback', app, 'v1', '--force']));
    assert.equal(current(), 3);
    assert.equal((await berth.viaRouter(`${app}.localhost`, '/version')).status, 404);
    assert.deepEqual(await rows(berth, app, 'pg'), ['ALPHA', 'BETA']);
    const none = berth.cli(['releases:rollback', app, 'v2', '--restore-data', '--force', '--json']);
    assert.equal(none.code, 1);
    assert.equal(JSON.parse(none.stderr).error.code, 'SNAPSHOT_NOT_FOUND');
    assert.match(JSON.parse(none.stderr).error.message, /no data snapshot from before v3 \(the release after v2\)/);
    assert.equal(current(), 3);
  });

  it('attacker: a developer cannot restore a service another app uses, nor name a snapshot by path or another app', async () => {
    ok(berth.cli(['apps:create', other]));
    ok(berth.cli(['postgres:link', pg, other]));
    const shared = await berth.api('POST', `/api/v1/apps/${app}/releases/rollback`, { version: 1, restoreData: true }, devToken);
    assert.equal(shared.status, 403, shared.text);
    assert.equal(shared.json.error.code, 'FORBIDDEN');
    assert.match(shared.json.error.message, new RegExp(`may not restore postgres service ${pg}: it is linked to ${other} too`));
    const theirs = await berth.api('POST', `/api/v1/apps/${other}/releases/rollback`, { version: 1, restoreData: true }, devToken);
    assert.equal(theirs.status, 403, theirs.text);
    for (const body of [{ version: '../../snapshots/x', restoreData: true }, { version: 1, restoreData: '/tmp/x.dump.gz' }]) {
      const bad = await berth.api('POST', `/api/v1/apps/${app}/releases/rollback`, body, devToken);
      assert.equal(bad.status, 400, bad.text);
      assert.equal(bad.json.error.code, 'INVALID_INPUT');
    }
    ok(berth.cli(['postgres:unlink', pg, other]));
    assert.equal(current(), 3);
    assert.deepEqual(await rows(berth, app, 'pg'), ['ALPHA', 'BETA']);
  });

  it('rollback to v1 with its data (by the app\'s developer, from the dashboard): v1 serves with v1\'s rows and table', async () => {
    const plan = await berth.api('GET', `/api/v1/apps/${app}/releases/rollback?version=1&restoreData=true`, undefined, devToken);
    assert.equal(plan.status, 200, plan.text);
    assert.deepEqual(plan.json.plan.data.services.map((s: { service: string; apps: string[] }) => [s.service, s.apps]), [[pg, [app]]]);
    assert.equal(plan.json.plan.data.before, 2);
    const asked = berth.cli(['releases:rollback', app, 'v1', '--restore-data']);
    assert.equal(asked.code, 1);
    assert.match(asked.stderr, /--restore-data overwrites the linked databases; pass --force/);
    // The developer, in the dashboard: the Deploys tab shows v2's snapshot and offers v1 with its data; the confirmation says what comes back.
    const browser = new DashboardSession(berth.url);
    await browser.login(DEV_PASSWORD, dev);
    const deploys = await browser.get(`/apps/${app}/deploys`);
    assert.equal(deploys.status, 200);
    assert.match(deploys.text, new RegExp(`data-snapshot="2"><span class="mono">postgres/${pg}</span>`));
    assert.match(deploys.text, new RegExp(`href="/apps/${app}/rollback\\?version=1&amp;restoreData=true"`));
    assert.doesNotMatch(deploys.text, /rollback\?version=2&amp;restoreData=true/);
    const confirm = await browser.get(`/apps/${app}/rollback?version=1&restoreData=true`);
    assert.match(confirm.text, /data-restore-data="2"/);
    const posted = await browser.request('POST', `/apps/${app}/rollback`, { _csrf: csrfIn(confirm.text), version: '1', restoreData: 'true' });
    assert.equal(posted.status, 303, posted.text);
    const res = { json: (await berth.api('GET', `/api/v1/apps/${app}/builds/latest`, undefined, devToken)).json };
    assert.equal(res.json.build.source, 'v1 restore-data');
    // The build's log, followed to its end (the last line is its status).
    const followed = await berth.api('GET', `/api/v1/apps/${app}/builds/${res.json.build.id}/log?follow=1`, undefined, devToken);
    assert.match(followed.text, /@@berth-status succeeded\s*$/, followed.text);
    assert.match(followed.text, new RegExp(`Snapshot of postgres service ${pg} before v4 restores older data[\\s\\S]*Restoring postgres service ${pg} from the snapshot taken before v2`));
    assert.equal(current(), 4);
    assert.deepEqual(await rows(berth, app, 'pg'), ['alpha', 'beta']);
    // The restore replaces the database whole: the column and the table v2's migration made are gone.
    assert.equal(columns(), 'rows;id,v');
    assert.equal((await berth.viaRouter(`${app}.localhost`, '/version')).status, 404);
  });

  it('a snapshot that fails (the database is stopped) fails the deploy before the release command; v4 keeps serving', async () => {
    ok(berth.cli(['postgres:stop', pg]));
    const r = berth.cli(['releases:rollback', app, 'v2', '--force']);
    assert.equal(r.code, 1, r.stdout);
    const out = `${r.stdout}${r.stderr}`;
    assert.match(out, new RegExp(`The snapshot of postgres service ${pg} failed, so v5's release command did not run`));
    assert.doesNotMatch(out, /Running release command/);
    assert.equal(current(), 4);
    const served = await berth.viaRouter(`${app}.localhost`, '/version');
    assert.equal(served.status, 404);
    assert.deepEqual(JSON.parse(berth.cli(['releases', app, '--json']).stdout).releases.map((x: { version: number }) => x.version), [4, 3, 2, 1]);
  });
});
