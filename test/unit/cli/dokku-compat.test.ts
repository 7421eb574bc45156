import assert from 'node:assert/strict';
import { findVerb, GROUPS, parseArgv } from '../../../app/cli';
import { DOKKU_ALIASES } from '../../../app/cli/dokku-compat';
import { FakeBerth, run, useFakeBerth } from './cli-harness';

const verb = (name: string) => findVerb(GROUPS, name)!;
const SERVICE = { plugin: 'postgres', name: 'db', image: 'postgres:16', status: 'running', container: 'c1', volume: 'v', scheduler: 'docker-local', placement: [], node: null, nodeId: null, address: '10.0.0.5', url: 'postgres://u:p@db:5432/db', exposedUrl: null, exposedPort: null, links: [{ app: 'web', alias: 'DATABASE_URL' }], createdAt: 'now' };
const DOMAINS = { domains: { app: 'web', defaultDomain: 'web.example.com', globalDomains: ['example.com'], customDomains: ['www.shop.test'], all: [] } };

/** dokku command lines, unchanged, against a fake berth: what berth asks the API, and what it prints. */
describe('cli: dokku\'s arguments and flags', function () {
  this.timeout(10_000);
  let fake: FakeBerth;
  let env: Record<string, string>;
  useFakeBerth((f, e) => { fake = f; env = e; });
  const asked = () => fake.seen.map((s) => `${s.method} ${s.url}`);

  it('run: everything after the app and the command\'s first word is the command\'s, options too; -e adds variables through env', () => {
    const a = parseArgv(verb('run'), ['web', 'python', 'manage.py', 'migrate', '--noinput', '-e', 'X=1']);
    assert.deepEqual(a.rest, ['python', 'manage.py', 'migrate', '--noinput', '-e', 'X=1']);
    assert.deepEqual(a.options, {});
    const b = parseArgv(verb('run'), ['-e', 'A=1', '--env', 'B=x=y', 'web', 'ls', '-la']);
    assert.deepEqual([b.positional.app, b.rest, b.options.env], ['web', ['ls', '-la'], 'A=1\0B=x=y']);
    const c = parseArgv(verb('run'), ['--app', 'web', 'python', '-V']);
    assert.deepEqual([c.positional.app, c.rest], ['web', ['python', '-V']]);
    const d = parseArgv(verb('run'), ['web', '--', 'ls', '-la']);
    assert.deepEqual(d.rest, ['ls', '-la']);
  });

  it('enter: a container (web.1) and a command after it', () => {
    const a = parseArgv(verb('enter'), ['web', 'web.1', 'ls', '-la']);
    assert.deepEqual([a.positional.process, a.rest], ['web.1', ['ls', '-la']]);
  });

  it('--app before or after the verb names the app; --quiet drops the ===== and -----> lines', async () => {
    fake.json('GET /api/v1/apps/web/config', 200, { config: { B: '2', A: '1' } });
    const lead = await run(['--app', 'web', 'config:show'], env);
    assert.equal(lead.code, 0, lead.stderr);
    assert.equal(lead.stdout, '=====> web env vars\nA:  ********\nB:  ********\n');
    const quiet = await run(['--quiet', 'config:show', '--app=web', '--reveal'], env);
    assert.equal(quiet.stdout, 'A:  1\nB:  2\n');
    assert.deepEqual(asked(), ['GET /api/v1/apps/web/config', 'GET /api/v1/apps/web/config']);
  });

  it('--format json is --json; another format is a usage error', async () => {
    fake.json('GET /api/v1/apps', 200, { apps: [] });
    const r = await run(['apps:list', '--format', 'json'], env);
    assert.equal(r.stdout, '{\n  "apps": []\n}\n');
    const bad = await run(['apps:list', '--format', 'yaml'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^!     --format is json or stdout, not "yaml"/);
  });

  it('apps:destroy <app> --force (and dokku --force apps:destroy <app>) destroys without asking', async () => {
    fake.json('DELETE /api/v1/apps/web?confirm=web', 200, {});
    for (const argv of [['apps:destroy', 'web', '--force'], ['--force', 'apps:destroy', 'web']]) {
      const r = await run(argv, env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '-----> Destroyed web\n');
    }
    const asks = await run(['apps:destroy', 'web'], env);
    assert.equal(asks.code, 1);
    assert.match(asks.stderr, /needs confirmation: pass --confirm web \(or --force\)/);
    assert.deepEqual(asked(), ['DELETE /api/v1/apps/web?confirm=web', 'DELETE /api/v1/apps/web?confirm=web']);
  });

  it('service verbs: destroy -f (no question, data too), --delete-data keeps asking, link -a, create -i -I', async () => {
    fake.json('DELETE /api/v1/services/postgres/db', 200, { dataKept: false });
    fake.json('POST /api/v1/services/postgres/db/links', 200, { link: { app: 'web', alias: 'BLUE_DATABASE_URL' }, build: null });
    fake.json('POST /api/v1/services/postgres', 200, { service: SERVICE });
    assert.equal((await run(['postgres:destroy', 'db', '-f'], env)).code, 0);
    assert.equal((await run(['postgres:destroy', 'db', '--delete-data'], env)).code, 1, 'still asks');
    assert.equal((await run(['postgres:destroy', 'db', '--delete-data', '--confirm', 'db'], env)).code, 0);
    assert.equal((await run(['postgres:link', 'db', 'web', '-a', 'BLUE_DATABASE_URL'], env)).code, 0);
    assert.equal((await run(['postgres:create', 'db', '-i', 'postgres', '-I', '15.4'], env)).code, 0);
    assert.deepEqual(fake.seen.map((s) => s.body), [
      { confirm: 'db', force: true },
      { confirm: 'db', force: true },
      { app: 'web', alias: 'BLUE_DATABASE_URL' },
      { name: 'db', image: 'postgres:15.4' },
    ]);
  });

  it('dokku\'s names for berth verbs: ports:list, plugin:list, apps:report; no generic service verb swallows a dokku namespace', async () => {
    fake.json('GET /api/v1/apps/web/ports', 200, { ports: ['http:80:5000'] });
    fake.json('GET /api/v1/plugins', 200, { plugins: [] });
    const ports = await run(['ports:list', 'web'], env);
    assert.equal(ports.stdout, '=====> web ports\nhttp:80:5000\n');
    assert.equal((await run(['plugin:list'], env)).code, 0);
    for (const [dokku, berth] of Object.entries(DOKKU_ALIASES)) assert.equal(findVerb(GROUPS, dokku)?.name, berth, dokku);
    // storage:list-entries is dokku's, not a service plugin called "storage".
    const missing = await run(['storage:list-entries', 'web'], env);
    assert.equal(missing.code, 1);
    assert.doesNotMatch(missing.stderr, /service plugin/);
    assert.match(missing.stderr, /^!     `storage:list-entries` is not a berth verb\./);
    assert.equal(findVerb(GROUPS, 'repo:gc'), undefined);
    assert.equal(findVerb(GROUPS, 'postgres:list')?.name, '<service>:list');
  });

  it('report property lookups print just the value', async () => {
    fake.json('GET /api/v1/apps/web/domains', 200, DOMAINS);
    fake.json('GET /api/v1/apps/web/ps', 200, { report: { app: 'web', status: 'running', release: 3, restartPolicy: 'on-failure:10', memoryMb: null, cpus: null, processes: [{ type: 'web', desired: 2, running: 2, containers: [{ name: 'x.web.1', state: 'running' }, { name: 'x.web.2', state: 'running' }] }] } });
    fake.json('GET /api/v1/services/postgres/db', 200, { service: SERVICE });
    const lines = async (argv: string[]) => { const r = await run(argv, env); assert.equal(r.code, 0, r.stderr); return r.stdout; };
    assert.equal(await lines(['domains:report', 'web', '--domains-app-vhosts']), 'web.example.com www.shop.test\n');
    assert.equal(await lines(['domains:report', 'web', '--domains-global-vhosts']), 'example.com\n');
    assert.equal(await lines(['ps:report', 'web', '--deployed']), 'true\n');
    assert.equal(await lines(['ps:report', 'web', '--ps-restart-policy']), 'on-failure:10\n');
    assert.equal(await lines(['ps:report', 'web', '--status-web-2']), 'running\n');
    assert.equal(await lines(['postgres:info', 'db', '--dsn']), 'postgres://u:p@db:5432/db\n');
    assert.deepEqual(JSON.parse(await lines(['domains:report', 'web', '--format', 'json'])), {
      'domains-app-enabled': 'true', 'domains-app-vhosts': 'web.example.com www.shop.test', 'domains-global-enabled': 'true', 'domains-global-vhosts': 'example.com',
    });
    const bad = await run(['ps:report', 'web', '--nope'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^!     ps:report has no property --nope\n.*--deployed/);
    // Verbs without properties still refuse unknown options.
    assert.match((await run(['config:set', 'web', '--nope', 'A=1'], env)).stderr, /unknown option --nope for config:set/);
  });

  it('--global: domains verbs go global; config has no global settings and says so without asking berth', async () => {
    fake.json('PATCH /api/v1/domains', 200, { globalDomains: ['example.com'] });
    const add = await run(['domains:add', '--global', 'example.com'], env);
    assert.equal(add.code, 0, add.stderr);
    assert.deepEqual(fake.seen.map((s) => [s.method, s.url, s.body]), [['PATCH', '/api/v1/domains', { add: ['example.com'] }]]);
    const config = await run(['config:set', '--global', 'A=1'], env);
    assert.equal(config.code, 1);
    assert.match(config.stderr, /^!     berth has no global config settings, so config:set takes no --global/);
    assert.equal(fake.seen.length, 1);
  });

  it('--all runs ps:restart for every app; a verb without --all refuses it', async () => {
    fake.json('GET /api/v1/apps', 200, { apps: [{ name: 'a' }, { name: 'b' }] });
    for (const app of ['a', 'b']) fake.json(`POST /api/v1/apps/${app}/ps/restart`, 200, { build: { id: 1 } });
    const r = await run(['ps:restart', '--all', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(asked(), ['GET /api/v1/apps', 'POST /api/v1/apps/a/ps/restart', 'POST /api/v1/apps/b/ps/restart']);
    assert.match((await run(['config:show', 'a', '--all'], env)).stderr, /config:show takes no --all/);
  });

  it('apps:exists: exit 0 silently, or 1 with "App does not exist"', async () => {
    fake.json('GET /api/v1/apps/web', 200, { app: { name: 'web' } });
    fake.json('GET /api/v1/apps/nope', 404, { error: { code: 'APP_NOT_FOUND', message: 'no app nope' } });
    assert.deepEqual(await run(['apps:exists', 'web'], env), { code: 0, stdout: '', stderr: '' });
    assert.deepEqual(await run(['apps:exists', 'nope'], env), { code: 1, stdout: '', stderr: '!     App does not exist\n' });
  });

  it('ps:inspect prints the containers as a JSON list with their process type', async () => {
    fake.json('GET /api/v1/apps/web/ps', 200, { report: { processes: [{ type: 'web', containers: [{ name: 'berth.web.web.1.a', id: 'abc', state: 'running' }] }, { type: 'worker', containers: [] }] } });
    const r = await run(['ps:inspect', 'web'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [{ process: 'web', name: 'berth.web.web.1.a', id: 'abc', state: 'running' }]);
  });

  it('logs -p TYPE is --process', async () => {
    fake.on('GET /api/v1/apps/web/logs?tail=100&process=worker', (_q, res) => { res.writeHead(200); res.end('worker.1 | hi\n'); });
    const r = await run(['logs', 'web', '-p', 'worker'], env);
    assert.equal(r.stdout, 'worker.1 | hi\n');
  });
});
