import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { DashboardSession } from '../support/dashboard-session';
import { WorkTree } from '../support/git-client';
import { describeLoad, steadyLoad } from '../support/load';
import { waitFor } from '../support/poll';

const docker = (args: string[]): string => spawnSync('docker', args, { encoding: 'utf8' }).stdout.trim();

/** One compose app (test/fixtures/apps/compose-app: web + worker + redis) shared by every test here. */
describe('compose apps: a compose file deploys as one app whose services are process types', function () {
  this.timeout(600_000);
  let wt: WorkTree;
  let firstPush = '';
  const app = uniqueName('compose');
  const host = `${app}.localhost`;
  const serving = async (path = '/') => (await berth.viaRouter(host, path)).text.trim();
  const containers = (process: string) => docker(['ps', '-q', '--filter', `label=berth.app=${app}`, '--filter', `label=berth.process=${process}`,
    '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}`]).split(/\s+/).filter(Boolean);
  /** Queues a job through the web service and waits for the worker's answer, read back through the web service. */
  const roundTrip = async (job: string) => {
    assert.equal(await serving(`/cgi-bin/enqueue?${job}`), `queued ${job}`);
    return waitFor(`the worker to process ${job}`, async () => (await serving(`/cgi-bin/result?${job}`)) === 'processed-by-worker', 30_000);
  };

  after(async () => {
    wt?.remove();
  });
  const berth = useBerth({ BERTH_ADMIN_PASSWORD: 'compose dashboard pw' });
  before(async () => {
    wt = WorkTree.fromFixture('compose-app');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    firstPush = pushed.output;
  });

  it('deploys web + worker + redis by git push: web answers on the app domain, the worker takes jobs from redis', async () => {
    assert.match(firstPush, /Deploying compose\.yaml: redis, web, worker/);
    assert.equal(await serving(), 'compose web v1');
    assert.ok(await roundTrip('job-1'));
    assert.deepEqual(['web', 'worker', 'redis'].map((p) => containers(p).length), [1, 1, 1]);
    // Each service answers to its compose name on the app's own network.
    const [redis] = containers('redis');
    const aliases = docker(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{json .Aliases}}{{end}}', redis]);
    assert.match(aliases, /"redis"/);
    // Logs, merged and per service, as for any app's process types.
    const logs = berth.cli(['logs', app, '-p', 'worker', '-n', '50']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /worker\.1 \| worker processed job-1/);
    assert.doesNotMatch(logs.stdout, /web starting/);
    assert.match(berth.cli(['logs', app, '-n', '200']).stdout, /web\.1 \| web starting on port 5000 \(redis mark: yes\)/);
    // The dashboard's app page lists each service as a process type with its running count.
    const dash = new DashboardSession(berth.url);
    await dash.login('compose dashboard pw');
    const page = await dash.get(`/apps/${app}`);
    assert.equal(page.status, 200);
    assert.deepEqual([...page.text.matchAll(/<tr data-process="([a-z-]+)">[\s\S]*?<td data-running>(\d+)<\/td>/g)].map((m) => `${m[1]}=${m[2]}`).sort(),
      ['redis=1', 'web=1', 'worker=1']);
  });

  it('depends_on condition: service_healthy holds web until redis passed its healthcheck', async () => {
    // redis's healthcheck sets a mark in redis when it passes; web.sh read the mark as it started.
    assert.equal(await serving('/order.txt'), 'redis healthy before web: yes');
    const passed = firstPush.search(/redis\.1 startup "compose-healthcheck" \(.*\): passed/);
    const webStart = firstPush.indexOf('Starting 1 web container');
    assert.ok(passed > 0 && webStart > passed, `redis passed its check before web started:\n${firstPush}`);
    const startedAt = (c: string) => Date.parse(docker(['inspect', '--format', '{{.State.StartedAt}}', c]));
    assert.ok(startedAt(containers('redis')[0]) < startedAt(containers('web')[0]), 'the redis container started before the web container');
  });

  it('redeploys web with no failed request; redis keeps its named volume (stopped first), the worker still answers', async () => {
    const load = await steadyLoad({ port: berth.routerPort, host, rps: 20, maxSeconds: 300 });
    wt.write('www/index.html', 'compose web v2\n');
    wt.commitAll('v2');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    const result = await load.stop();
    process.stdout.write(`      load: ${describeLoad(result)}\n`);
    assert.equal(result.failed, 0, describeLoad(result));
    assert.ok(result.ok >= 20, `enough requests were made (${result.ok})`);
    assert.equal(await serving(), 'compose web v2');
    assert.match(pushed.output, /Stopping the old redis container first: redis holds named volumes/);
    // job-1's result was written before the redeploy: it is still in redis's volume.
    assert.equal(await serving('/cgi-bin/result?job-1'), 'processed-by-worker');
    assert.ok(await roundTrip('job-2'));
  });

  it('scales a service, rolls back and restarts like any app: the worker runs twice, v1 serves again, redis keeps its volume', async () => {
    // redis holds a named volume: a second redis would open the same data folder.
    const twoRedis = berth.cli(['ps:scale', app, 'redis=2']);
    assert.notEqual(twoRedis.code, 0);
    assert.match(twoRedis.stderr, /redis of .* holds named compose volumes: 2 containers would share one data volume/);
    const scaled = berth.cli(['ps:scale', app, 'worker=2']);
    assert.equal(scaled.code, 0, scaled.stderr);
    await waitFor('two worker containers', () => containers('worker').length === 2, 30_000);
    assert.ok(await roundTrip('job-3'));
    const rolled = berth.cli(['releases:rollback', app, 'v1']);
    assert.equal(rolled.code, 0, `${rolled.stdout}${rolled.stderr}`);
    assert.equal(await serving(), 'compose web v1');
    // The old web and worker containers retire in the background; the counts settle to the formation.
    await waitFor('1 web, 2 workers, 1 redis', () => ['web', 'worker', 'redis'].map((p) => containers(p).length).join() === '1,2,1', 30_000);
    assert.equal(await serving('/cgi-bin/result?job-3'), 'processed-by-worker');
    assert.ok(await roundTrip('job-4'));
    // ps:restart replaces every container; redis (named volume) stops before its new one starts.
    const restarted = berth.cli(['ps:restart', app]);
    assert.equal(restarted.code, 0, `${restarted.stdout}${restarted.stderr}`);
    assert.match(restarted.stdout + restarted.stderr, /Stopping the old redis container first: redis holds named volumes[\s\S]*Starting 1 redis container/);
    assert.equal(await serving('/cgi-bin/result?job-4'), 'processed-by-worker');
  });

  it('refuses privileged, host paths, the docker socket and another network, listing each, and keeps serving', async () => {
    const victimNet = `${berth.env.BERTH_NETWORK}-someotherappid`;
    wt.write('compose.yaml', [
      'services:',
      '  web:',
      '    build: .',
      '    expose: ["5000"]',
      '    privileged: true',
      '    volumes: ["/etc:/host-etc", "/var/run/docker.sock:/var/run/docker.sock"]',
      `    network_mode: "container:berth.victim.web.1"`,
      'networks:',
      `  default: { name: ${victimNet}, external: true }`,
      '',
    ].join('\n'));
    wt.commitAll('asks for the host');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /compose\.yaml asks for what berth does not honour/);
    assert.match(pushed.output, /- networks: each berth app has its own network/);
    assert.match(pushed.output, /- services\.web\.privileged: privileged mode would hand the service the host/);
    assert.match(pushed.output, /- services\.web\.network_mode: each berth app has its own network/);
    assert.match(pushed.output, /- services\.web\.volumes "\/etc:\/host-etc": host path "\/etc" is outside the app's storage/);
    assert.match(pushed.output, /- services\.web\.volumes "\/var\/run\/docker\.sock:\/var\/run\/docker\.sock": host path "\/var\/run\/docker\.sock" is outside the app's storage/);
    assert.doesNotMatch(pushed.output, /Building with the Dockerfile/, 'refused before any build');
    assert.equal(await serving(), 'compose web v1');
  });

  it('refuses a service image that is another app\'s', async () => {
    const victim = uniqueName('victim');
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: victim })).status, 201);
    // The victim's own image (a new id: a tag on a shared image would make that image the victim's).
    const built = spawnSync('docker', ['build', '-q', '-t', `berth/${victim}:v1`, '-'], { input: `FROM berth/busybox:latest\nLABEL victim=${victim}\n`, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    try {
      wt.git(['checkout', '-q', 'HEAD~1', '--', 'compose.yaml']);
      wt.write('compose.yaml', wt.read('compose.yaml').replace('\nvolumes:', `\n  spy:\n    image: berth/${victim}:v1\n    command: ["sleep", "3600"]\nvolumes:`));
      wt.commitAll('runs the victim image');
      const pushed = wt.push(berth.url, berth.token, app);
      assert.notEqual(pushed.code, 0);
      assert.match(pushed.output, new RegExp(`service spy's image "berth/${victim}:v1" is app ${victim}'s`));
      assert.equal(await serving(), 'compose web v1');
    } finally {
      spawnSync('docker', ['rmi', `berth/${victim}:v1`]);
    }
  });

  it('deploys the compose file from an uploaded archive (apps:deploy-archive) as from a push', async () => {
    wt.git(['checkout', '-q', 'HEAD~2', '--', 'compose.yaml']);
    // A bind mount of a folder in the app's own storage is taken (anything outside is refused above).
    wt.write('compose.yaml', wt.read('compose.yaml').replace('    depends_on: [redis]\n', '    depends_on: [redis]\n    volumes: ["./files:/files"]\n'));
    wt.write('www/index.html', 'compose web from an archive\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-compose-archive-'));
    try {
      const file = path.join(dir, 'app.tar.gz');
      assert.equal(spawnSync('tar', ['-czf', file, '--exclude=.git', '-C', wt.dir, '.']).status, 0);
      const r = berth.cli(['apps:deploy-archive', app, file]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Deploying compose\.yaml: redis, web, worker/);
      assert.equal(await serving(), 'compose web from an archive');
      assert.ok(await roundTrip('job-5'));
      const id = (await berth.api('GET', `/api/v1/apps/${app}`)).json.app?.id as string;
      const folder = path.join(berth.home, 'storage', id, 'files');
      fs.writeFileSync(path.join(folder, 'hello.txt'), 'from the host\n');
      assert.equal(docker(['exec', containers('worker')[0], 'cat', '/files/hello.txt']), 'from the host');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('apps:destroy removes the compose file\'s named volume', async () => {
    const id = (await berth.api('GET', `/api/v1/apps/${app}`)).json.app?.id as string;
    assert.ok(id, 'the app has an id');
    assert.equal(docker(['volume', 'ls', '-q', '--filter', `name=berth-app-${id}-data`]), `berth-app-${id}-data`);
    const destroyed = berth.cli(['apps:destroy', app, '--confirm', app]);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.equal(docker(['volume', 'ls', '-q', '--filter', `name=berth-app-${id}-data`]), '', `${destroyed.stdout}${destroyed.stderr}${berth.output.slice(-3000)}`);
  });
});
