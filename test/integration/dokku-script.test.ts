import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { ROOT, uniqueName, type CliResult } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';
import { docker, words } from './dokku-script-support';

/**
 * dokku command lines, in the shape dokku's docs write them (deployment/application-management,
 * configuration/environment-variables, configuration/domains, networking/port-management,
 * processes/process-management, advanced-usage/persistent-storage, deployment/one-off-tasks,
 * deployment/logs, the postgres plugin's README), run through `berth` with only `dokku` → `berth`
 * and the app's name changed. Each step asserts what dokku's docs say the line does. One berth,
 * one app, one push for the file.
 */
describe('a dokku script through berth unchanged', function () {
  this.timeout(600_000);
  let wt: WorkTree;
  const app = uniqueName('dokscript');
  const db = uniqueName('dokdb');
  const started = Date.now();

  /** Runs `dokku …` as `berth …`, with APP and DB filled in. */
  const dokku = (line: string, input?: string): CliResult => {
    const argv = words(line.replace(/\bAPP\b/g, app).replace(/\bDB\b/g, db));
    assert.equal(argv.shift(), 'dokku');
    return berth.cli(argv, input === undefined ? {} : { input });
  };
  const ok = (line: string): string => {
    const r = dokku(line);
    assert.equal(r.code, 0, `${line}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const config = async () => (await berth.api('GET', `/api/v1/apps/${app}/config`)).json.config as Record<string, string>;
  const webContainers = () => docker(['ps', '--format', '{{.ID}} {{.Names}}', '--filter', `label=berth.app=${app}`, '--filter', 'label=berth.process=web',
    '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}`]).split('\n').filter(Boolean).map((l) => l.split(' '));

  after(async () => {
    wt?.remove();
  });
  const berth = useBerth();
  before(async () => {
    wt = WorkTree.fromFixture('dokku-script-app');
  });
  after(async () => {
    // eslint-disable-next-line no-console
    if (process.env.BERTH_TEST_VERBOSE) console.log(`dokku script: ${Math.round((Date.now() - started) / 1000)} s`);
  });

  it('dokku apps:create APP; apps:exists APP exits 0 silently; apps:exists of another exits non-zero with "App does not exist"', () => {
    ok('dokku apps:create APP');
    assert.deepEqual(dokku('dokku apps:exists APP'), { code: 0, stdout: '', stderr: '' });
    const missing = dokku('dokku apps:exists APP-nope');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, '!     App does not exist\n');
  });

  it('dokku apps:list --format json lists it', () => {
    const names = (JSON.parse(ok('dokku apps:list --format json')).apps as { name: string }[]).map((a) => a.name);
    assert.deepEqual(names, [app]);
  });

  it('dokku config:set --no-restart APP KEY=VALUE …, config:get, --app, config:unset --no-restart', async () => {
    ok('dokku config:set --no-restart APP GREETING="hello world" TO_GO=1');
    assert.equal(ok('dokku config:get APP GREETING'), 'hello world\n');
    assert.equal(ok('dokku --app APP config:get TO_GO'), '1\n');
    ok('dokku config:unset --no-restart APP TO_GO');
    assert.deepEqual(await config(), { GREETING: 'hello world' });
  });

  it('dokku domains:add / report --domains-app-vhosts / remove / set / clear', async () => {
    const vhost = (await berth.api('GET', `/api/v1/apps/${app}/domains`)).json.domains.defaultDomain as string;
    ok('dokku domains:add APP APP.shop.test');
    assert.equal(ok('dokku domains:report APP --domains-app-vhosts'), `${vhost} ${app}.shop.test\n`);
    ok('dokku domains:remove APP APP.shop.test');
    ok('dokku domains:set APP APP.one.test APP.two.test');
    assert.equal(ok('dokku domains:report APP --domains-app-vhosts'), `${vhost} ${app}.one.test ${app}.two.test\n`);
    ok('dokku domains:clear APP');
    assert.equal(ok('dokku domains:report APP --domains-app-vhosts'), `${vhost}\n`);
  });

  it('dokku ports:set APP http:80:5000; ports:list; ports:report APP --ports-map; ports:clear', async () => {
    ok('dokku ports:set APP http:80:5000');
    assert.match(ok('dokku ports:list APP'), /^http:80:5000$/m);
    assert.equal(ok('dokku ports:report APP --ports-map'), 'http:80:5000\n');
    assert.equal(ok('dokku ports:report APP --ports-map-json'), '[{"scheme":"http","host_port":80,"container_port":5000}]\n');
    ok('dokku ports:clear APP');
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${app}/ports`)).json.ports, []);
  });

  it('git push deploys; the app serves on its vhost with its config', async () => {
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, 'dokku script app\n');
  });

  it('dokku ps:scale APP web=2; ps:report APP --deployed / --running / --processes', async () => {
    ok('dokku ps:scale APP web=2');
    await waitFor('2 web containers', () => webContainers().length === 2);
    assert.equal(ok('dokku ps:report APP --deployed'), 'true\n');
    assert.equal(ok('dokku ps:report APP --running'), 'true\n');
    assert.equal(ok('dokku ps:report APP --processes'), '2\n');
  });

  it('dokku apps:lock APP: deploys are refused until apps:unlock; apps:locked says which', () => {
    assert.equal(ok('dokku apps:lock APP'), '-----> Deploy lock created\n');
    assert.equal(ok('dokku apps:locked APP'), 'Deploy lock exists\n');
    assert.equal(ok('dokku apps:report APP --app-locked'), 'true\n');
    const rebuild = dokku('dokku ps:rebuild APP');
    assert.equal(rebuild.code, 1);
    assert.equal(rebuild.stderr, `!     ${app} is locked for deploys; nothing was queued. \`berth apps:unlock ${app}\` unlocks it.\n`);
    wt.write('www/index.html', 'locked out\n');
    wt.commitAll('while locked');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /is locked for deploys; nothing was queued/);
    assert.equal(ok('dokku apps:unlock APP'), '-----> Deploy lock removed\n');
    const unlocked = dokku('dokku apps:locked APP');
    assert.deepEqual([unlocked.code, unlocked.stderr], [1, '!     Deploy lock does not exist\n']);
    wt.write('www/index.html', 'dokku script app\n');
    wt.commitAll('back');
  });

  it('dokku ps:set APP restart-policy on-failure:10; ps:report APP --ps-restart-policy', () => {
    ok('dokku ps:set APP restart-policy on-failure:10');
    assert.equal(ok('dokku ps:report APP --ps-restart-policy'), 'on-failure:10\n');
  });

  it('dokku checks:disable APP web; checks:report APP --checks-disabled-list; a deploy leaves web\'s checks out; checks:skip / checks:enable', () => {
    ok('dokku checks:disable APP web');
    assert.equal(ok('dokku checks:report APP --checks-disabled-list'), 'web\n');
    const rebuilt = ok('dokku ps:rebuild APP');
    assert.match(rebuilt, new RegExp(`^-----> web checks disabled \\(checks:disable\\); \`berth checks:enable ${app}\` turns them back on$`, 'm'));
    assert.doesNotMatch(rebuilt, /to pass \d+ check/);
    ok('dokku checks:skip APP worker');
    assert.deepEqual([ok('dokku checks:report APP --checks-disabled-list'), ok('dokku checks:report APP --checks-skipped-list')], ['web\n', 'worker\n']);
    ok('dokku checks:enable APP');
    assert.deepEqual([ok('dokku checks:report APP --checks-disabled-list'), ok('dokku checks:report APP --checks-skipped-list')], ['none\n', 'none\n']);
  });

  it('dokku ps:stop APP stops it; ps:start APP starts it again', async () => {
    ok('dokku ps:stop APP');
    await waitFor('no web container', () => webContainers().length === 0);
    assert.equal(ok('dokku ps:report APP --running'), 'false\n');
    ok('dokku ps:start APP');
    await waitFor('2 web containers again', () => webContainers().length === 2);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, 'dokku script app\n');
  });

  it('dokku run APP python manage.py migrate --noinput: the command\'s options are its own, no -- needed', () => {
    assert.equal(ok('dokku run APP python manage.py migrate --noinput'), 'python got: manage.py migrate --noinput\n');
  });

  it('dokku run --env KEY=VALUE -e … APP <cmd>: variables for this run only, next to the app\'s', () => {
    assert.equal(ok(`dokku run --env "EXTRA=one two" -e MORE=2 APP sh -c 'echo "$EXTRA|$MORE|$GREETING"'`), 'one two|2|hello world\n');
    assert.equal(ok(`dokku run APP sh -c 'echo "[$EXTRA]"'`), '[]\n');
  });

  it('dokku run:detached APP <cmd> returns at once with the run\'s tag; its output is in logs -p run', async () => {
    const tag = ok(`dokku run:detached APP sh -c 'echo "detached for $GREETING"'`).trim();
    assert.match(tag, /^run\.[0-9a-f]{6,}$/);
    await waitFor('the detached run\'s line in the log', () => ok('dokku logs APP -p run').includes(`${tag} | detached for hello world\n`));
  });

  it('misuse: run:detached is capped at 10 running per app (ONE_OFF_LIMIT), so a developer cannot fill the host', async () => {
    const oneOffs = () => docker(['ps', '-q', '--filter', `label=berth.app=${app}`, '--filter', 'label=berth.process=run', '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}-oneoff`]).split('\n').filter(Boolean);
    for (let i = 0; i < 10; i++) ok('dokku run:detached APP sleep 30');
    await waitFor('10 detached one-offs running', () => oneOffs().length === 10);
    const over = dokku('dokku run:detached APP sleep 30');
    assert.deepEqual([over.code, over.stderr], [1, `!     ${app} has 10 one-off containers running already; wait for one to end.\n`]);
    for (const id of oneOffs()) docker(['rm', '-f', id]);
  });

  it('dokku git:report APP --git-deploy-branch; cron:report APP --cron-task-count; builder:report APP', () => {
    assert.equal(ok('dokku git:report APP --git-deploy-branch'), 'main\n');
    assert.equal(ok('dokku cron:report APP --cron-task-count'), '1\n');
    assert.equal(ok('dokku builder:report APP'), `=====> ${app} builder information\n       Builder selected:\n       Builder computed selected:  detected at build\n`);
  });

  it('dokku cron:run APP <cron_id> runs the entry now, with its output; logs -p cron shows it', () => {
    assert.equal(ok('dokku cron:run APP report'), 'cron report for hello world\n');
    assert.match(ok('dokku logs APP -p cron'), /^cron\.report \| cron report for hello world$/m);
    const missing = dokku('dokku cron:run APP nope');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `!     ${app} has no cron entry "nope"; \`berth cron:list ${app}\` shows them.\n`);
  });

  it('dokku enter APP web.2 <cmd> runs the command in that container', () => {
    const [id] = webContainers().find(([, name]) => name.split('.')[3] === '2')!;
    assert.equal(ok('dokku enter APP web.2 hostname'), `${id.slice(0, 12)}\n`);
    const gone = dokku('dokku enter APP web.3 hostname');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, new RegExp(`^!     ${app} has no running web\\.3 container`));
  });

  it('misuse: a viewer cannot enter a container with a command, nor lock the app; a process name cannot carry shell', async () => {
    const name = uniqueName('viewer');
    const viewer = await berth.api('POST', '/api/v1/users', { name, role: 'viewer' });
    assert.equal(viewer.status, 201, viewer.text);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/app/cli/main.js'), 'enter', app, 'web.1', 'id'],
      { encoding: 'utf8', env: { ...process.env, BERTH_URL: berth.url, BERTH_TOKEN: viewer.json.token } });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `!     User "${name}" (viewer) may not change app "${app}": viewers can only read.\n`);
    const lock = spawnSync(process.execPath, [path.join(ROOT, 'dist/app/cli/main.js'), 'apps:lock', app],
      { encoding: 'utf8', env: { ...process.env, BERTH_URL: berth.url, BERTH_TOKEN: viewer.json.token } });
    assert.deepEqual([lock.status, lock.stderr], [1, `!     User "${name}" (viewer) may not change app "${app}": viewers can only read.\n`]);
    const shell = dokku('dokku enter APP web.1;id hostname');
    assert.equal(shell.code, 1);
    assert.equal(shell.stderr, '!     "web.1;id" is not a process type.\n');
  });

  it('dokku logs APP -n 20 -p web: only web lines', () => {
    const lines = ok('dokku logs APP -n 20 -p web').trim().split('\n');
    assert.ok(lines.length > 0);
    for (const l of lines) assert.match(l, /^web\.[12] \| /);
    assert.ok(lines.some((l) => l.endsWith('web listening on 5000')), lines.join('\n'));
  });

  it('dokku storage:mount APP <volume>:/storage; storage:report APP --storage-deploy-mounts', async () => {
    ok('dokku storage:mount APP data:/storage');
    const [mount] = (await berth.api('GET', `/api/v1/apps/${app}/storage`)).json.mounts as { source: string; target: string }[];
    assert.equal(mount.target, '/storage');
    assert.match(ok('dokku storage:list APP'), new RegExp(`^${mount.source}\\s+/storage`, 'm'));
    assert.equal(ok('dokku storage:report APP --storage-deploy-mounts'), `-v ${mount.source}:/storage\n`);
  });

  it('dokku nginx:set APP client-max-body-size 50m; nginx:report APP --nginx-client-max-body-size', () => {
    ok('dokku nginx:set APP client-max-body-size 50m');
    assert.equal(ok('dokku nginx:report APP --nginx-client-max-body-size'), '50m\n');
  });

  it('dokku nginx:access-logs APP shows the requests; nginx:error-logs APP shows a refused body', async () => {
    await berth.viaRouter(`${app}.localhost`, '/index.html?from=access-log-test');
    await waitFor('the request in the access log (nginx flushes it within a second)', () =>
      /"GET \/index\.html\?from=access-log-test HTTP\/1\.1" 200 /.test(ok('dokku nginx:access-logs APP')));
    ok('dokku nginx:set APP client-max-body-size 1k');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: berth.routerPort, path: '/', method: 'POST', headers: { host: `${app}.localhost`, 'content-length': 4096 } },
        (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end(Buffer.alloc(4096, 'x'));
    });
    assert.equal(status, 413);
    assert.match(ok('dokku nginx:error-logs APP'), /client intended to send too large body: 4096 bytes/);
    const bad = dokku('dokku nginx:access-logs ../APP');
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, `!     App "../${app}" does not exist; \`berth apps:list\` shows your apps.\n`);
  });

  it('dokku docker-options:add APP build \'--build-arg …\'; docker-options:report APP --docker-options-build; docker-options:remove', () => {
    ok(`dokku docker-options:add APP build '--build-arg BUILD_NOTE=$GREETING'`);
    assert.equal(ok('dokku docker-options:report APP --docker-options-build'), '--build-arg BUILD_NOTE=$GREETING\n');
    ok(`dokku docker-options:remove APP build '--build-arg BUILD_NOTE=$GREETING'`);
    assert.equal(ok('dokku docker-options:report APP --docker-options-build'), '\n');
  });

  it('dokku builder:set APP selected dockerfile; buildpacks:set APP <heroku URL> / clear; builder:report --builder-selected', () => {
    ok('dokku builder:set APP selected dockerfile');
    assert.equal(ok('dokku builder:report APP --builder-selected'), 'dockerfile\n');
    ok('dokku buildpacks:set APP https://github.com/heroku/heroku-buildpack-nodejs.git');
    assert.equal(ok('dokku buildpacks:report APP --buildpacks-list'), 'node\n');
    ok('dokku buildpacks:clear APP');
    assert.equal(ok('dokku buildpacks:report APP --buildpacks-list'), '\n');
    ok('dokku builder:set APP selected');
    assert.equal(ok('dokku builder:report APP --builder-selected'), '\n');
  });

  it('dokku git:sync --build APP <repo> main deploys the repo\'s commit; --build-if-changes with the same commit builds nothing', async () => {
    const synced = WorkTree.fromFixture('dokku-script-app');
    try {
      synced.write('www/index.html', 'synced by git:sync\n');
      synced.commitAll('for git:sync');
      ok(`dokku git:sync --build APP ${synced.dir} main`);
      assert.equal((await berth.viaRouter(`${app}.localhost`)).text, 'synced by git:sync\n');
      const builds = (await berth.api('GET', `/api/v1/apps/${app}/builds`)).json.builds.length as number;
      assert.equal(ok(`dokku git:sync --build-if-changes APP ${synced.dir} main`), `-----> ${app} already runs ${synced.git(['rev-parse', '--short=7', 'HEAD']).output.trim()}; nothing to build\n`);
      assert.equal((await berth.api('GET', `/api/v1/apps/${app}/builds`)).json.builds.length, builds);
    } finally {
      synced.remove();
    }
  });

  it('dokku apps:clone APP APP-copy: the copy has APP\'s config, nginx settings, scale and its own empty volume, and serves APP\'s code; domains stay', async () => {
    ok('dokku apps:clone APP APP-copy');
    const copy = `${app}-copy`;
    try {
      assert.equal((await berth.viaRouter(`${copy}.localhost`)).text, 'synced by git:sync\n');
      assert.deepEqual((await berth.api('GET', `/api/v1/apps/${copy}/config`)).json.config, await config());
      assert.equal(ok('dokku nginx:report APP-copy --nginx-client-max-body-size'), ok('dokku nginx:report APP --nginx-client-max-body-size'));
      assert.deepEqual((await berth.api('GET', `/api/v1/apps/${copy}/ps/scale`)).json.scale, { web: 2 });
      const [own] = (await berth.api('GET', `/api/v1/apps/${copy}/storage`)).json.mounts as { source: string; target: string }[];
      const [theirs] = (await berth.api('GET', `/api/v1/apps/${app}/storage`)).json.mounts as { source: string; target: string }[];
      assert.deepEqual([own.target, own.source === theirs.source], ['/storage', false]);
      assert.deepEqual((await berth.api('GET', `/api/v1/apps/${copy}/domains`)).json.domains.customDomains, []);
    } finally {
      ok('dokku apps:destroy APP-copy --force');
    }
  });

  it('misuse: a developer cannot clone an app they do not collaborate on (nothing is read or created), nor sync into it, nor turn its checks off', async () => {
    const name = uniqueName('dev');
    const dev = await berth.api('POST', '/api/v1/users', { name, role: 'developer' });
    assert.equal(dev.status, 201, dev.text);
    const as = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist/app/cli/main.js'), ...args],
      { encoding: 'utf8', env: { ...process.env, BERTH_URL: berth.url, BERTH_TOKEN: dev.json.token, NO_COLOR: '1' } });
    const clone = as(['apps:clone', app, `${app}-stolen`]);
    assert.deepEqual([clone.status, clone.stdout], [1, '']);
    assert.equal(clone.stderr.split('\n')[0], `!     User "${name}" (developer) may not read app "${app}": ask an admin to run \`berth apps:collaborators:add ${app} ${name}\`.`);
    assert.equal((await berth.api('GET', `/api/v1/apps/${app}-stolen`)).status, 404);
    const sync = as(['git:sync', '--build', app, path.join(ROOT, 'test/fixtures/apps/dokku-script-app')]);
    assert.equal(sync.status, 1);
    assert.match(sync.stderr, new RegExp(`^!     User "${name}" \\(developer\\) may not read app "${app}"`));
    const checks = as(['checks:disable', app]);
    assert.deepEqual([checks.status, checks.stderr.split('\n')[0]], [1, `!     User "${name}" (developer) may not change app "${app}": ask an admin to run \`berth apps:collaborators:add ${app} ${name}\`.`]);
    assert.equal(ok('dokku checks:report APP --checks-disabled-list'), 'none\n');
  });

  it('dokku postgres:create DB; postgres:link DB APP sets DATABASE_URL to postgres:info DB --dsn; --status', async () => {
    ok('dokku postgres:create DB');
    ok('dokku postgres:link DB APP');
    const dsn = ok('dokku postgres:info DB --dsn').trim();
    assert.match(dsn, /^postgres:\/\//);
    assert.equal(ok(`dokku run APP sh -c 'echo $DATABASE_URL'`), `${dsn}\n`);
    assert.equal(ok('dokku postgres:info DB --status'), 'running\n');
    assert.equal(ok('dokku postgres:info DB --links'), `${app}\n`);
  });

  it('dokku postgres:unlink DB APP; postgres:destroy DB -f (no question; the data goes too)', async () => {
    ok('dokku postgres:unlink DB APP');
    assert.equal(ok(`dokku run APP sh -c 'echo "[$DATABASE_URL]"'`), '[]\n');
    const volume = (await berth.api('GET', `/api/v1/services/postgres/${db}`)).json.service.volume as string;
    ok('dokku postgres:destroy DB -f');
    assert.equal((await berth.api('GET', `/api/v1/services/postgres/${db}`)).status, 404);
    assert.equal(spawnSync('docker', ['volume', 'inspect', volume]).status, 1, 'the data volume is gone');
  });

  it('dokku --quiet apps:report APP --app-deployed; dokku apps:destroy APP --force destroys without asking', () => {
    assert.equal(ok('dokku --quiet apps:report APP --app-deployed'), 'true\n');
    assert.equal(ok('dokku apps:destroy APP --force'), '-----> Destroyed ' + app + '\n');
    assert.equal(dokku('dokku apps:exists APP').code, 1);
  });

  it('a dokku verb berth lacks answers "not a berth verb", not a service plugin error', () => {
    const r = dokku('dokku repo:gc APP');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^!     `repo:gc` is not a berth verb\./);
  });
});
