import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, uniqueName, type CliResult } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';
import { docker, words } from './dokku-script-support';

/**
 * More dokku command lines through `berth` unchanged (dokku-script.test.ts's sibling): config:keys
 * and config:clear (configuration/environment-variables), buildpacks:list/remove
 * (builders/buildpack-management), checks:run/set (deployment/zero-downtime-deploys),
 * proxy:* (networking/proxy-management), network:* (networking/network),
 * storage:ensure-directory (advanced-usage/persistent-storage). One berth, one app, one push.
 */
describe('more dokku command lines through berth unchanged', function () {
  this.timeout(300_000);
  let wt: WorkTree;
  const app = uniqueName('dokmore');
  const started = Date.now();
  const berth = useBerth();

  const dokku = (line: string): CliResult => {
    const argv = words(line.replace(/\bAPP\b/g, app));
    assert.equal(argv.shift(), 'dokku');
    return berth.cli(argv);
  };
  const ok = (line: string): string => {
    const r = dokku(line);
    assert.equal(r.code, 0, `${line}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const config = async () => (await berth.api('GET', `/api/v1/apps/${app}/config`)).json.config as Record<string, string>;
  const webContainers = () => docker(['ps', '--format', '{{.ID}}', '--filter', `label=berth.app=${app}`, '--filter', 'label=berth.process=web',
    '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}`]).split('\n').filter(Boolean);
  const appId = async () => (await berth.api('GET', `/api/v1/apps/${app}`)).json.app.id as string;

  after(() => {
    wt?.remove();
    // eslint-disable-next-line no-console
    if (process.env.BERTH_TEST_VERBOSE) console.log(`dokku script (more): ${Math.round((Date.now() - started) / 1000)} s`);
  });
  before(async () => {
    wt = WorkTree.fromFixture('dokku-script-app');
    ok('dokku apps:create APP');
    ok('dokku config:set --no-restart APP GREETING=hi TO_GO=1');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    ok('dokku ps:scale APP web=2');
    await waitFor('2 web containers', () => webContainers().length === 2);
  });

  it('dokku config:keys APP prints the names only', () => {
    assert.equal(ok('dokku config:keys APP'), 'GREETING\nTO_GO\n');
  });

  it('dokku buildpacks:list APP; buildpacks:remove APP <url> (another buildpack is refused)', () => {
    ok('dokku buildpacks:set APP https://github.com/heroku/heroku-buildpack-nodejs.git');
    assert.equal(ok('dokku buildpacks:list APP'), `=====> ${app} buildpack urls\nnode\n`);
    const other = dokku('dokku buildpacks:remove APP https://github.com/heroku/heroku-buildpack-python.git');
    assert.deepEqual([other.code, other.stderr], [1, `!     ${app} builds with the node buildpack, not python; nothing was removed.\n`]);
    ok('dokku buildpacks:remove APP https://github.com/heroku/heroku-buildpack-nodejs.git');
    assert.equal(ok('dokku buildpacks:list APP'), `=====> ${app} buildpack urls\n`);
    assert.equal(ok('dokku buildpacks:report APP --buildpacks-list'), '\n');
  });

  it('dokku checks:run APP runs the live release\'s checks on its running containers; one failing makes it exit 1', () => {
    const passed = ok('dokku checks:run APP').split('\n');
    assert.equal(passed[0], '-----> Waiting for 2 web containers to pass 1 check');
    assert.deepEqual(passed.slice(1).filter(Boolean).map((l) => l.replace(/web\.[12] /, 'web.N ')),
      Array(2).fill('       web.N startup "health" (GET :5000/health.txt for "ok"): passed'));
    ok('dokku enter APP web.2 rm /app/www/health.txt');
    const failed = dokku('dokku checks:run APP web');
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /^       web\.2 startup "health" \(GET :5000\/health\.txt for "ok"\): failed: /m);
    assert.equal(failed.stderr, `!     ${app}'s running containers failed a check; see above.\n`);
    ok(`dokku enter APP web.2 sh -c 'echo ok > /app/www/health.txt'`);
    const unknown = dokku('dokku checks:run APP nope');
    assert.deepEqual([unknown.code, unknown.stderr], [1, `!     ${app} has no process type "nope" in v1; its types: web.\n`]);
  });

  it('dokku checks:set APP wait-to-retire 30 (berth\'s retire-wait); wait/timeout/attempts point at app.json', async () => {
    assert.equal(ok('dokku checks:set APP wait-to-retire 30'), `-----> ${app}: old containers drain up to 30 s after a deploy\n`);
    assert.equal((await berth.api('GET', `/api/v1/apps/${app}/ps`)).json.report.retireWait, 30);
    const wait = dokku('dokku checks:set APP wait 5');
    assert.deepEqual([wait.code, wait.stderr.split('\n')[0]], [1, '!     berth reads a check\'s wait from app.json (healthchecks.<type>[].wait), not from checks:set']);
  });

  it('dokku proxy:disable APP takes it off the router (containers keep running); proxy:report; proxy:set; proxy:enable', async () => {
    ok('dokku proxy:disable APP');
    assert.equal(ok('dokku proxy:report APP --proxy-enabled'), 'false\n');
    await waitFor('the router no longer serving the app', async () => (await berth.viaRouter(`${app}.localhost`)).text !== 'dokku script app\n');
    assert.equal(webContainers().length, 2);
    const traefik = dokku('dokku proxy:set APP traefik');
    assert.deepEqual([traefik.code, traefik.stderr], [1, '!     berth\'s proxy is nginx; "traefik" is not one berth runs.\n']);
    ok('dokku proxy:set APP nginx');
    ok('dokku proxy:enable APP');
    assert.equal(ok('dokku proxy:report APP --proxy-type'), 'nginx\n');
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, 'dokku script app\n');
  });

  it('dokku network:list / exists / info show the app\'s own network; network:destroy is refused', async () => {
    const net = `${berth.env.BERTH_NETWORK}-${await appId()}`;
    assert.match(ok('dokku network:list'), new RegExp(`^${net}\\s+${app}$`, 'm'));
    assert.equal(ok(`dokku network:exists ${net}`), 'Network exists\n');
    const none = dokku('dokku network:exists nope');
    assert.deepEqual([none.code, none.stderr], [1, '!     Network does not exist\n']);
    const info = JSON.parse(ok(`dokku network:info ${net} --format json`)).network;
    assert.deepEqual([info.name, info.app, info.driver, info.containers.length], [net, app, 'bridge', 2]);
    const destroy = dokku(`dokku network:destroy ${net}`);
    assert.deepEqual([destroy.code, destroy.stderr], [1, `!     ${net} is ${app}'s own network; it goes when the app does (berth apps:destroy ${app}).\n`]);
  });

  it('dokku --app APP storage:ensure-directory --chown heroku lipsum makes the folder below the app\'s storage, owned 1000:1000', () => {
    const out = ok('dokku --app APP storage:ensure-directory --chown heroku lipsum').split('\n');
    const dir = /^-----> Ensuring (\/\S+) exists$/.exec(out[0])?.[1];
    assert.ok(dir, out.join('\n'));
    assert.deepEqual(out.slice(1), ['       Setting directory ownership to 1000:1000', '-----> Directory ready for mounting', '']);
    const st = fs.statSync(dir);
    assert.deepEqual([st.isDirectory(), st.uid, st.gid, path.basename(dir), path.dirname(path.dirname(dir))], [true, 1000, 1000, 'lipsum', path.join(berth.home, 'storage')]);
    const bad = dokku('dokku storage:ensure-directory APP ../lipsum');
    assert.deepEqual([bad.code, bad.stderr], [1, `!     The folder name "../lipsum" must be lowercase letters, digits and ._- (it goes directly below ${app}'s storage folder).\n`]);
  });

  it('dokku resource:limit-clear APP; docker-options:clear APP; domains:clear-global; certs:update and git:from-image are berth verbs', async () => {
    ok('dokku resource:limit APP --memory 256m --cpu 0.5');
    ok('dokku resource:limit-clear APP');
    const { resources } = (await berth.api('GET', `/api/v1/apps/${app}/resources`)).json;
    assert.deepEqual([resources.memoryMb, resources.cpus], [null, null]);
    ok(`dokku docker-options:add APP build '--build-arg A=1'`);
    ok('dokku docker-options:clear APP');
    assert.equal(ok('dokku docker-options:report APP --docker-options-build'), '\n');
    ok('dokku domains:add-global APP-g.test');
    assert.equal(ok('dokku domains:clear-global'), `-----> Global domains cleared (${app}-g.test)\n`);
    assert.deepEqual((await berth.api('GET', '/api/v1/domains')).json.globalDomains, []);
    for (const [dokkuVerb, berthVerb] of [['certs:update', 'certs:add'], ['git:from-image', 'apps:deploy-image']]) {
      assert.match(ok(`dokku help ${dokkuVerb}`), new RegExp(`^Usage: berth ${berthVerb} `));
    }
  });

  it('misuse: a developer cannot disable another app\'s proxy, see its network or run its checks; a collaborator makes no host folder', async () => {
    const name = uniqueName('dev');
    const dev = await berth.api('POST', '/api/v1/users', { name, role: 'developer' });
    assert.equal(dev.status, 201, dev.text);
    const as = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist/app/cli/main.js'), ...args],
      { encoding: 'utf8', env: { ...process.env, BERTH_URL: berth.url, BERTH_TOKEN: dev.json.token, NO_COLOR: '1' } });
    const proxy = as(['proxy:disable', app]);
    assert.deepEqual([proxy.status, proxy.stderr.split('\n')[0]], [1, `!     User "${name}" (developer) may not change app "${app}": ask an admin to run \`berth apps:collaborators:add ${app} ${name}\`.`]);
    assert.equal(ok('dokku proxy:report APP --proxy-enabled'), 'true\n');
    assert.equal(as(['network:list']).stdout.includes(app), false);
    const net = `${berth.env.BERTH_NETWORK}-${await appId()}`;
    assert.deepEqual([as(['network:exists', net]).status, as(['network:info', net]).stderr], [1, `!     Network "${net}" does not exist; \`berth network:list\` shows the apps' networks.\n`]);
    const run = as(['checks:run', app]);
    assert.deepEqual([run.status, run.stdout], [1, '']);
    assert.equal((await berth.api('POST', `/api/v1/apps/${app}/collaborators`, { user: name })).status, 201);
    const dir = as(['storage:ensure-directory', app, 'mine']);
    assert.deepEqual([dir.status, dir.stderr.split('\n')[0]], [1, '!     Only admins make host folders (they are for host mounts, which only admins make); mount a named volume instead, e.g. data:/data.']);
    assert.equal(fs.existsSync(path.join(berth.home, 'storage', await appId(), 'mine')), false);
  });

  it('dokku config:clear APP removes every variable', async () => {
    ok('dokku config:clear APP');
    assert.deepEqual(await config(), {});
    assert.equal(ok('dokku config:keys APP'), '');
  });
});
