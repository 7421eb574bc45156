import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, uniqueName, type CliResult } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { waitFor } from '../support/poll';
import { ensureServiceImage } from './services-support';

function run(cmd: string, args: string[], o: { cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, {
    cwd: o.cwd, encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

const write = (file: string, text: string | Buffer) => { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, text); };

/** `dokku mariadb:export`'s output: mysqldump's SQL, in its shape (header, DROP/CREATE, LOCK, INSERT). */
const MYSQLDUMP = `-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: dokku_db
-- ------------------------------------------------------
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
DROP TABLE IF EXISTS \`rows\`;
CREATE TABLE \`rows\` (
  \`id\` int(11) NOT NULL AUTO_INCREMENT,
  \`v\` text NOT NULL,
  PRIMARY KEY (\`id\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES \`rows\` WRITE;
INSERT INTO \`rows\` VALUES (1,'restored from dokku');
UNLOCK TABLES;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
-- Dump completed on 2026-12-07 12:00:00
`;

/**
 * `berth import:dokku <copy>` against a tree laid out as dokku keeps a host: `home/dokku/<app>` (the
 * bare repo with ENV, VHOST, DOCKER_OPTIONS_DEPLOY) and `var/lib/dokku` (`config/<plugin>/<app>/<property>`,
 * `services/postgres/<name>` with LINKS and the `dokku postgres:export` dump, pg_dump's custom format;
 * `services/redis/<name>` with an RDB snapshot and `services/mariadb/<name>` with mysqldump's SQL, their exports).
 * The imported app is deployed by the import's own push and serves its config and a row read from
 * the restored database.
 */
describe('berth import:dokku <copy of a dokku host>', function () {
  this.timeout(600_000);
  let copy: string;
  const app = uniqueName('dokimp');
  const bare = uniqueName('dokbare');
  const db = uniqueName('dokimpdb');
  const cache = uniqueName('dokimprd');
  const maria = uniqueName('dokimpmy');
  const started = Date.now();

  /** The dokku host's files: two apps (one with a repo), one postgres service with a dump. */
  async function makeCopy(): Promise<string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dokku-copy-'));
    const home = path.join(dir, 'home/dokku');
    const lib = path.join(dir, 'var/lib/dokku');
    // The app's dokku folder is its bare repo; dokku deploys master unless told otherwise.
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dokku-src-'));
    fs.cpSync(path.join(ROOT, 'test/fixtures/apps/service-client'), src, { recursive: true });
    run('git', ['init', '-q', '-b', 'master'], { cwd: src });
    run('git', ['add', '-A'], { cwd: src });
    run('git', ['commit', '-q', '-m', 'on dokku'], { cwd: src });
    run('git', ['init', '-q', '--bare', path.join(home, app)]);
    run('git', ['push', '-q', path.join(home, app), 'master'], { cwd: src });
    fs.rmSync(src, { recursive: true, force: true });
    // Older dokku's shell exports and newer dokku's dotenv lines, and dokku's own DOKKU_* settings.
    write(path.join(home, app, 'ENV'), `export GREETING='it'\\''s from dokku'\nMOTTO="two\\nlines"\nDOKKU_APP_RESTORE="1"\n`);
    write(path.join(home, app, 'VHOST'), `${app}.dokku.test\n`);
    write(path.join(home, app, 'DOCKER_OPTIONS_DEPLOY'), `-v /var/lib/dokku/data/storage/${app}:/app/storage\n--link legacy:legacy\n`);
    write(path.join(lib, 'config/ps', app, 'scale'), 'web=2\n');
    write(path.join(lib, 'config/ps', app, 'restart-policy'), 'on-failure:5');
    write(path.join(lib, 'config/nginx', app, 'client-max-body-size'), '20m');
    write(path.join(lib, 'config/checks', app, 'skipped'), '_all_');
    write(path.join(home, bare, 'ENV'), 'export ONLY=config\n');
    // The postgres plugin's service folder, and `dokku postgres:export <db>` saved beside it.
    const sdir = path.join(lib, 'services/postgres', db);
    write(path.join(sdir, 'LINKS'), `${app}\n`);
    write(path.join(sdir, 'IMAGE'), 'postgres');
    write(path.join(sdir, 'IMAGE_VERSION'), '15.8');
    write(path.join(sdir, 'PASSWORD'), 'dokku-password');
    write(path.join(sdir, `${db}.dump`), await customFormatDump());
    // `dokku redis:export` prints the RDB snapshot; `dokku mariadb:export` prints mysqldump's SQL.
    write(path.join(lib, 'services/redis', cache, 'LINKS'), '');
    write(path.join(lib, 'services/redis', cache, `${cache}.dump`), await redisRdb());
    write(path.join(lib, 'services/mariadb', maria, 'LINKS'), '');
    write(path.join(lib, 'services/mariadb', maria, `${maria}.dump`), MYSQLDUMP);
    return dir;
  }

  /** A `pg_dump -Fc` (dokku's export format) of a table `rows` holding one row, made in a throwaway berth postgres. */
  async function customFormatDump(): Promise<Buffer> {
    const name = uniqueName('dokdumpsrc');
    const created = await berth.api('POST', '/api/v1/services/postgres', { name });
    assert.equal(created.status, 201, created.text);
    const container = created.json.service.container as string;
    run('docker', ['exec', container, 'sh', '-c',
      'psql -q -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "CREATE TABLE rows (id SERIAL PRIMARY KEY, v TEXT NOT NULL); INSERT INTO rows (v) VALUES (\'restored from dokku\')"']);
    const dump = spawnSync('docker', ['exec', container, 'sh', '-c', 'pg_dump -Fc --no-acl --no-owner -U "$POSTGRES_USER" "$POSTGRES_DB"']);
    assert.equal(dump.status, 0, String(dump.stderr));
    assert.equal(dump.stdout.subarray(0, 5).toString(), 'PGDMP');
    assert.equal((await berth.api('DELETE', `/api/v1/services/postgres/${name}`, { confirm: name, force: true })).status, 200);
    return dump.stdout;
  }

  /** An RDB snapshot (what `dokku redis:export` prints) holding the list `rows`, made in a throwaway berth redis. */
  async function redisRdb(): Promise<Buffer> {
    const name = uniqueName('dokrdbsrc');
    const created = await berth.api('POST', '/api/v1/services/redis', { name });
    assert.equal(created.status, 201, created.text);
    const container = created.json.service.container as string;
    const rdb = spawnSync('docker', ['exec', container, 'sh', '-c',
      'export REDISCLI_AUTH="$REDIS_PASSWORD"; redis-cli RPUSH rows "restored from dokku" >/dev/null && f=$(mktemp) && redis-cli --rdb "$f" >/dev/null && cat "$f"']);
    assert.equal(rdb.status, 0, String(rdb.stderr));
    assert.equal(rdb.stdout.subarray(0, 5).toString(), 'REDIS');
    assert.equal((await berth.api('DELETE', `/api/v1/services/redis/${name}`, { confirm: name, force: true })).status, 200);
    return rdb.stdout;
  }

  after(async () => {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
  });
  const berth = useBerth();
  before(async () => {
    for (const p of ['postgres', 'redis', 'mariadb']) ensureServiceImage(path.join(ROOT, 'plugins', p));
    copy = await makeCopy();
  });
  after(async () => {
    // eslint-disable-next-line no-console
    if (process.env.BERTH_TEST_VERBOSE) console.log(`dokku import: ${Math.round((Date.now() - started) / 1000)} s`);
  });

  let imported: CliResult;
  it('imports both apps and the service, deploys the app with a repo, and reports exactly what it could not carry over', () => {
    imported = berth.cli(['import:dokku', copy]);
    assert.equal(imported.code, 0, `${imported.stdout}\n${imported.stderr}`);
    const report = imported.stdout.slice(imported.stdout.indexOf('=====> Imported:'));
    assert.equal(report, [
      `=====> Imported: ${[app, bare].sort().map((a) => `app ${a}`).join(', ')}, mariadb ${maria}, postgres ${db}, redis ${cache}`,
      '=====> Not carried over:',
      `       app ${app}: storage /var/lib/dokku/data/storage/${app}:/app/storage is now the volume ${app}; its files were not copied (copy them in with berth run)`,
      `       app ${app}: docker option --link legacy:legacy (berth sets containers up itself: resource:limit, ps:set, storage:mount)`,
      `       postgres ${db}: dokku ran the image postgres:15.8; berth runs its own postgres image (\`berth postgres:upgrade ${db} -i <image>\` to choose)`,
      `       app ${bare}: no master branch in its repo, so nothing was deployed`,
      '',
    ].join('\n'));
  });

  it('the app serves its dokku config and the row restored from the dump, on its dokku vhost', async () => {
    assert.equal((await berth.viaRouter(`${app}.dokku.test`, '/env/GREETING')).text, 'it\'s from dokku');
    assert.equal((await berth.viaRouter(`${app}.dokku.test`, '/env/MOTTO')).text, 'two\nlines');
    const rows = await berth.viaRouter(`${app}.dokku.test`, '/pg/read');
    assert.deepEqual([rows.status, JSON.parse(rows.text)], [200, ['restored from dokku']]);
  });

  it('the settings came over: scale, restart policy, nginx, checks, storage, deploy branch; DOKKU_* stayed behind; the other app has its config', async () => {
    await waitFor('2 web containers', () => run('docker', ['ps', '-q', '--filter', `label=berth.app=${app}`, '--filter', 'label=berth.process=web',
      '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}`]).split('\n').filter(Boolean).length === 2);
    const info = (await berth.api('GET', `/api/v1/apps/${app}`)).json.app;
    assert.deepEqual([info.deployBranch, info.restartPolicy], ['master', 'on-failure:5']);
    assert.equal(berth.cli(['nginx:report', app, '--nginx-client-max-body-size']).stdout, '20m\n');
    assert.equal(berth.cli(['checks:report', app, '--checks-skipped-list']).stdout, '_all_\n');
    const mounts = (await berth.api('GET', `/api/v1/apps/${app}/storage`)).json.mounts as { target: string }[];
    assert.deepEqual(mounts.map((m) => m.target), ['/app/storage']);
    const config = (await berth.api('GET', `/api/v1/apps/${app}/config`)).json.config;
    assert.deepEqual(config, { GREETING: 'it\'s from dokku', MOTTO: 'two\nlines' });
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${bare}/config`)).json.config, { ONLY: 'config' });
  });

  it('the redis and mariadb services hold the data of their dokku exports (read with <service>:connect)', () => {
    const list = berth.cli(['redis:connect', cache], { input: 'LRANGE rows 0 -1\n' });
    assert.deepEqual([list.code, list.stdout], [0, 'restored from dokku\n'], list.stderr);
    const rows = berth.cli(['mariadb:connect', maria], { input: 'SELECT v FROM `rows`;\n' });
    assert.deepEqual([rows.code, rows.stdout], [0, 'v\nrestored from dokku\n'], rows.stderr);
  });

  it('misuse: a developer of one app importing a copy that names another user\'s app changes nothing of it; the import exits 1 listing the refusals', async () => {
    const name = uniqueName('dev');
    const dev = await berth.api('POST', '/api/v1/users', { name, role: 'developer' });
    assert.equal(dev.status, 201, dev.text);
    const own = uniqueName('devapp');
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: own })).status, 201);
    assert.equal((await berth.api('POST', `/api/v1/apps/${own}/collaborators`, { user: name })).status, 201);
    const hostile = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dokku-hostile-'));
    try {
      // The victim's name, with a domain and config to plant; a service that links itself to the victim.
      write(path.join(hostile, 'home/dokku', app, 'ENV'), 'export GREETING=owned\n');
      write(path.join(hostile, 'home/dokku', app, 'VHOST'), 'stolen.dokku.test\n');
      write(path.join(hostile, 'var/lib/dokku/services/postgres', 'evil', 'LINKS'), `${app}\n`);
      const before = (await berth.api('GET', `/api/v1/apps/${app}/config`)).json.config;
      const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/app/cli/main.js'), 'import:dokku', hostile],
        { encoding: 'utf8', env: { ...process.env, BERTH_URL: berth.url, BERTH_TOKEN: dev.json.token, NO_COLOR: '1' } });
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.equal(r.stdout.slice(r.stdout.indexOf('=====> Imported:')), [
        '=====> Imported: nothing',
        '=====> Refused by berth:',
        `       app ${app}: created: User "${name}" (developer) may not change berth-wide settings: only admins can.`,
        '       postgres evil: created: User "' + name + '" (developer) may not change berth-wide settings: only admins can.',
        '',
      ].join('\n'));
      assert.deepEqual((await berth.api('GET', `/api/v1/apps/${app}/config`)).json.config, before);
      assert.deepEqual((await berth.api('GET', `/api/v1/apps/${app}/domains`)).json.domains.customDomains, [`${app}.dokku.test`]);
      assert.equal((await berth.api('GET', '/api/v1/services/postgres/evil')).status, 404);
    } finally {
      fs.rmSync(hostile, { recursive: true, force: true });
    }
  });

  it('a folder without dokku\'s layout is refused', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dokku-empty-'));
    try {
      const r = berth.cli(['import:dokku', empty]);
      assert.deepEqual([r.code, r.stderr], [1, `!     ${empty} holds neither home/dokku nor var/lib/dokku: give the folder a copy of the dokku host was made into (see docs/migrating-from-dokku.md)\n`]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
