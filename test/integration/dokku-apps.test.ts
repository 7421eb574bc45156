import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { freePort, httpGet, uniqueName, type BerthProcess } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { get, waitFor } from '../support/poll';

function docker(args: string[]): string {
  const r = spawnSync('docker', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Running containers of an app's process type in this berth's scope. */
function running(berth: BerthProcess, app: string, process: string): string[] {
  return docker(['ps', '-q', '--no-trunc', '--filter', `label=berth.app=${app}`, '--filter', `label=berth.process=${process}`,
    '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}`]).split(/\s+/).filter(Boolean);
}

/** A TCP port nobody listens on, from the OS (the test berth's own block is taken). */

const jsonc = (doc: unknown, comment: string) => `// ${comment}\n${JSON.stringify(doc, null, 2).replace(/\n}$/, ',\n}')}\n`;

/**
 * Apps written for dokku, pushed unchanged: app.json with comments (dokku's tests/apps/python
 * shape), formation, dokku's health-check format. One berth and one app for the whole file.
 */
describe('dokku apps: app.json with comments, formation, health checks', function () {
  this.timeout(600_000);
  let wt: WorkTree;
  let first = '';
  const app = uniqueName('dokku');
  const current = async () => (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases.find((r: { current: boolean }) => r.current)?.version;

  after(async () => {
    wt?.remove();
  });
  const berth = useBerth();
  before(async () => {
    wt = WorkTree.fromFixture('dokku-python');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    first = pushed.output;
  });

  it('deploys an app.json with // comments and trailing commas; predeploy and postdeploy ran, in that order', async () => {
    const pre = first.indexOf('remote:        predeploy-ran');
    const routed = first.indexOf('-----> Routing');
    const post = first.indexOf('remote:        postdeploy-ran');
    assert.ok(pre > 0 && routed > pre && post > routed, first);
    assert.match(first, /Running predeploy: echo predeploy-ran > \/tmp\/predeploy\.test && cat \/tmp\/predeploy\.test/);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, 'python/http.server\n');
  });

  it('shows each check\'s result in the push, command checks run inside the new container', () => {
    for (const n of [1, 2]) {
      assert.match(first, new RegExp(`web\\.${n} startup "check-1" \\(GET :5000/ for "python/http\\.server"\\): passed`));
      assert.match(first, new RegExp(`web\\.${n} startup "inside" \\(command "echo \\\\"port \\$PORT inside \\$\\(hostname\\)\\\\""\\): passed`));
    }
    assert.match(first, /worker\.1 startup "ready-file" \(command "cat \/tmp\/worker-ready"\): passed/);
  });

  it('starts app.json formation on the first deploy: exactly 2 web and 1 worker', () => {
    assert.equal(running(berth, app, 'web').length, 2);
    assert.equal(running(berth, app, 'worker').length, 1);
  });

  it('a failing command check blocks the deploy; the previous release keeps serving', async () => {
    const before = await current();
    const doc = { healthchecks: { web: [{ type: 'startup', name: 'never', command: 'test -f /app/never-there', attempts: 2, timeout: 1, wait: 1 }] } };
    wt.write('app.json', jsonc(doc, 'a check that cannot pass'));
    wt.commitAll('failing command check');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.output, /v2 failed its health check: web\.\d startup "never" \(command "test -f \/app\/never-there"\): no pass within 3 s, \d+ tries \(the command exited with code 1\)\. The previous release keeps serving\./);
    assert.equal(await current(), before);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, 'python/http.server\n');
  });

  it('ps:scale wins over formation afterwards; a liveness check that starts failing restarts the container and records an event', async () => {
    const scaled = berth.cli(['ps:scale', app, 'worker=0']);
    assert.equal(scaled.code, 0, scaled.stderr);
    // The container made sick below fails its liveness check minutes after its deploy, which berth's deploy
    // watch (default: roll back) would answer with a rollback; here the liveness monitor alone is under test.
    const watchOnly = berth.cli(['deploy-watch:set', app, 'action', 'watch']);
    assert.equal(watchOnly.code, 0, watchOnly.stderr);
    const doc = { healthchecks: { web: [{ type: 'liveness', name: 'alive', path: '/live', attempts: 2, wait: 1, timeout: 1 }] }, formation: { web: 2, worker: 1 } };
    wt.write('app.json', jsonc(doc, 'liveness only'));
    wt.commitAll('liveness');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    // The old release's containers drain, then go; ps:scale worker=0 outlives the formation (no new worker).
    await waitFor('the old containers to retire, leaving 2 web and no worker', () =>
      running(berth, app, 'web').length === 2 && running(berth, app, 'worker').length === 0);
    assert.match(pushed.output, /Starting 2 web containers of v\d/);
    assert.doesNotMatch(pushed.output, /Starting \d+ worker container/);

    const [id] = running(berth, app, 'web');
    const name = docker(['inspect', '-f', '{{.Name}}', id]).replace(/^\//, '');
    // The app's own network is its only one.
    const ipFormat = '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}';
    const ip = docker(['inspect', '-f', ipFormat, id]);
    const startedAt = docker(['inspect', '-f', '{{.State.StartedAt}}', id]);
    assert.equal((await get(`http://${ip}:5000/live`)).status, 200);
    await get(`http://${ip}:5000/sicken`);
    assert.equal((await get(`http://${ip}:5000/live`)).status, 500);

    const event = await waitFor('the ps.unhealthy event', async () =>
      (await berth.api('GET', `/api/v1/events?app=${app}`)).json.events.find((e: { kind: string }) => e.kind === 'ps.unhealthy'));
    assert.equal(event.message, `restarted web container ${name}: liveness check "alive" failed 2 times in a row (answered 500)`);
    // The same container, started again (docker may give it a new address): its process, and its sickness, is new.
    await waitFor('the restarted container to answer /live, and the router to reach both web containers', async () => {
      const [now, addr] = docker(['inspect', '-f', `{{.State.StartedAt}} ${ipFormat}`, id]).split(' ');
      if (now === startedAt || (await get(`http://${addr}:5000/live`).catch(() => ({ status: 0 }))).status !== 200) return false;
      return fs.readFileSync(`${berth.home}/nginx/apps/${app}.conf`, 'utf8').includes(`${addr}:5000`);
    });
  });

  it('routes a Dockerfile app on the port it EXPOSEs when it sets no ports; UDP and berth\'s own port are skipped with a note; ports:report says why', async () => {
    const other = uniqueName('expose');
    const port = await freePort();
    const dwt = WorkTree.fromFixture('nothing-app');
    try {
      // A hostile EXPOSE of berth's API port must not become a mapping (nginx could not bind it).
      dwt.write('Dockerfile', `FROM berth/busybox:latest\nRUN mkdir -p /www && echo exposed-app > /www/index.html\nEXPOSE ${port} ${berth.port} 5353/udp\n`
        // $PORT is the lowest EXPOSEd TCP port, which may be ${port} itself (the ports are random): one httpd then.
        + `CMD ["sh", "-c", "[ \\"$PORT\\" = ${port} ] || httpd -p $PORT -h /www; exec httpd -f -p ${port} -h /www"]\n`);
      dwt.commitAll('a Dockerfile app exposing one TCP and one UDP port');
      const pushed = dwt.push(berth.url, berth.token, other);
      assert.equal(pushed.code, 0, pushed.output);
      assert.match(pushed.output, new RegExp(`Ports from EXPOSE: http:${port}:${port} \\(used while the app sets none with ports:set\\)`));
      assert.match(pushed.output, /EXPOSE 5353\/udp is not routed: berth's router proxies HTTP/);
      assert.match(pushed.output, new RegExp(`EXPOSE ${berth.port}/tcp is not routed: ${other} cannot listen on host port ${berth.port}: it is berth's API and dashboard port \\(BERTH_PORT\\)`));
      const served = await httpGet({ port, host: `${other}.localhost`, path: '/' });
      assert.deepEqual(served, { status: 200, text: 'exposed-app\n' });
      assert.equal((await berth.viaRouter(`${other}.localhost`)).status, 404, 'not on the router\'s port 80: only the EXPOSEd port is mapped');
      const report = berth.cli(['ports:report', other]);
      assert.equal(report.stdout.split('\n').slice(1).join('\n'), `http:${port}:${port}\n(from EXPOSE in v1's Dockerfile; ports:set replaces them)\n`);
      const json = (await berth.api('GET', `/api/v1/apps/${other}/ports`)).json;
      assert.deepEqual(json, { ports: [], inUse: [`http:${port}:${port}`], source: 'EXPOSE in v1\'s Dockerfile' });
    } finally {
      dwt.remove();
    }
  });

  describe('Dockerfile builds through BuildKit', () => {
    const mono = uniqueName('bk');
    let mwt: WorkTree;
    const cli = (args: string[]) => { const r = berth.cli(args); assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`); return r; };
    const monorepoApp = (name: string) => {
      cli(['apps:create', name]);
      cli(['builder:set', name, 'build-dir', 'apps/web']); // dokku's form
      cli(['builder-dockerfile:set', name, 'dockerfile-path', 'docker/Dockerfile']);
    };
    let firstPush = '';

    before(() => {
      mwt = WorkTree.fromFixture('buildkit-monorepo');
      monorepoApp(mono);
      cli(['config:set', mono, 'GREETING=hello-from-config', '--no-restart']);
      cli(['docker-options:add', mono, 'build', '--build-arg GREETING=$GREETING']);
      const pushed = mwt.push(berth.url, berth.token, mono);
      assert.equal(pushed.code, 0, pushed.output);
      firstPush = pushed.output;
    });
    after(() => mwt?.remove());

    it('builds apps/web with docker/Dockerfile (build-dir, dockerfile-path), RUN --mount and COPY --chmod, # syntax= noted, build arg from config', async () => {
      assert.match(firstPush, /Building with the Dockerfile docker\/Dockerfile in apps\/web\/ \(BuildKit\)/);
      assert.match(firstPush, /# syntax=docker\/dockerfile:1 ignored: no registry to pull that frontend from/);
      assert.match(firstPush, /#\d+ npm cache: cold/);
      assert.doesNotMatch(firstPush, /#\d+ npm cache: warm/);
      assert.equal((await berth.viaRouter(`${mono}.localhost`)).text, 'buildkit-monorepo 60000 hello-from-config\n');
    });

    it('the next push reuses the app\'s npm cache mount; another app with the same Dockerfile gets its own, empty one', () => {
      mwt.write('apps/web/version.txt', 'v2\n');
      mwt.commitAll('v2: npm ci runs again');
      const second = mwt.push(berth.url, berth.token, mono);
      assert.equal(second.code, 0, second.output);
      assert.match(second.output, /#\d+ npm cache: warm/);

      const other = uniqueName('bk-other');
      monorepoApp(other);
      const pushed = mwt.push(berth.url, berth.token, other);
      assert.equal(pushed.code, 0, pushed.output);
      assert.match(pushed.output, /#\d+ npm cache: cold/);
    });

    it('builder-dockerfile:set buildkit false falls back to the legacy builder (which refuses RUN --mount); the previous release keeps serving', async () => {
      cli(['builder-dockerfile:set', mono, 'buildkit', 'false']);
      mwt.write('apps/web/version.txt', 'v3\n');
      mwt.commitAll('v3 with the legacy builder');
      const pushed = mwt.push(berth.url, berth.token, mono);
      assert.notEqual(pushed.code, 0);
      assert.match(pushed.output, /Building with the Dockerfile docker\/Dockerfile in apps\/web\/ \(legacy builder\)/);
      assert.match(pushed.output, /the --mount option requires BuildKit/);
      assert.equal((await berth.viaRouter(`${mono}.localhost`)).text, 'buildkit-monorepo 60000 hello-from-config\n');
      const refused = berth.cli(['docker-options:add', mono, 'build', '--network=host']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /take --build-arg NAME=VALUE only/);
    });
  });
});

