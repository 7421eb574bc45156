import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { uniqueName, type BerthProcess } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { DashboardSession } from '../support/dashboard-session';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function docker(args: string[]): string {
  const r = spawnSync('docker', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Running container ids of an app's process type in this berth's scope. */
function containers(berth: BerthProcess, app: string, process: string, all = false): string[] {
  const filters = ['berth.app', app, 'berth.process', process, 'berth.scope', berth.env.BERTH_NETWORK];
  const args = ['ps', '-q', '--no-trunc', ...(all ? ['-a'] : [])];
  for (let i = 0; i < filters.length; i += 2) args.push('--filter', `label=${filters[i]}=${filters[i + 1]}`);
  return docker(args).split(/\s+/).filter(Boolean).sort();
}

/** An app container's address: it is on one network, its app's own (`<BERTH_NETWORK>-<app id>`). */
const ipOf = (id: string): string =>
  docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', id]);

/** Polls until check() returns a truthy value (or the deadline passes); returns the last value. */
async function eventually<T>(check: () => Promise<T> | T, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last = await check();
  while (!last && Date.now() < deadline) {
    await sleep(250);
    last = await check();
  }
  return last;
}

describe('processes: ps:scale, ps:report, restart, stop/start, rebuild, settings, reconciler', function () {
  this.timeout(600_000);
  let wt: WorkTree;
  const app = uniqueName('ps');
  const host = `${app}.localhost`;
  const orphans: string[] = [];

  after(async () => {
    wt?.remove();
    if (orphans.length) spawnSync('docker', ['rm', '-f', ...orphans]);
  });
  const berth = useBerth();
  before(async () => {
    // nginx's workers (nobody) must reach pages/ to serve the "app down" page; mkdtemp made it 0700.
    fs.chmodSync(berth.home, 0o755);
    wt = WorkTree.fromFixture('multi-process-app');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
  });

  it('reports desired and running containers per process type, as text and JSON', () => {
    const r = berth.cli(['ps:report', app, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout).report;
    assert.equal(report.status, 'running');
    assert.equal(report.release, 1);
    const web = report.processes.find((p: { type: string }) => p.type === 'web');
    const worker = report.processes.find((p: { type: string }) => p.type === 'worker');
    assert.deepEqual([web.desired, web.running, worker.desired, worker.running], [1, 1, 0, 0]);
    assert.equal(web.containers[0].state, 'running');
    assert.match(web.containers[0].startedAt, /^\d{4}-\d\d-\d\dT/);
    const text = berth.cli(['ps:report', app]);
    assert.match(text.stdout, /web\s+1\/1\s+berth\./);
    assert.match(text.stdout, /worker\s+0\/0/);
  });

  it('scales web and worker through the app\'s queue; every web container is in the router\'s upstream', async () => {
    const before = containers(berth, app, 'web');
    const r = berth.cli(['ps:scale', app, 'web=3', 'worker=1']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /Scaling/);
    const web = containers(berth, app, 'web');
    assert.equal(web.length, 3);
    assert.ok(before.every((id) => web.includes(id)), 'scaling up keeps the running container');
    assert.equal(containers(berth, app, 'worker').length, 1);
    const conf = fs.readFileSync(path.join(berth.home, 'nginx', 'apps', `${app}.conf`), 'utf8');
    for (const id of web) assert.ok(conf.includes(`${ipOf(id)}:5000`), 'each web container is routed');
    const hosts = new Set<string>();
    for (let i = 0; i < 12; i++) hosts.add((await berth.viaRouter(host, '/host.txt')).text.trim());
    assert.equal(hosts.size, 3, 'requests reach all three containers');
    const builds = (await berth.api('GET', `/api/v1/apps/${app}/builds`)).json.builds;
    assert.equal(builds[0].kind, 'scale');
    assert.equal(builds[0].status, 'succeeded');

    const shown = JSON.parse(berth.cli(['ps:scale', app, '--json']).stdout);
    assert.deepEqual(shown.scale, { web: 3, worker: 1 });

    const down = berth.cli(['ps:scale', app, 'web=2']);
    assert.equal(down.code, 0, down.stderr);
    // The unrouted third one drains in the background (the job reports the switch).
    assert.ok(await eventually(() => containers(berth, app, 'web').length === 2), 'the surplus container retired');
    const after = containers(berth, app, 'web');
    assert.equal(after.length, 2);
    assert.ok(after.every((id) => web.includes(id)), 'scaling down keeps two of the three');
    const conf2 = fs.readFileSync(path.join(berth.home, 'nginx', 'apps', `${app}.conf`), 'utf8');
    // Each upstream server line: `server <ip>:5000 max_fails=… fail_timeout=…;` (passive health checks).
    assert.equal((conf2.match(/:5000 [^;\n]*;/g) ?? []).length, 2);
  });

  it('refuses unknown process types and counts outside 0–50 (INVALID_SCALE)', async () => {
    const unknown = berth.cli(['ps:scale', app, 'nope=1']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no process type "nope"; its types are: web, worker/);
    for (const bad of [51, -1, 1.5, '2']) {
      const res = await berth.api('POST', `/api/v1/apps/${app}/ps/scale`, { scale: { web: bad } });
      assert.equal(res.status, 422, `web=${bad}`);
      assert.equal(res.json.error.code, 'INVALID_SCALE');
    }
    const shape = berth.cli(['ps:scale', app, 'web']);
    assert.notEqual(shape.code, 0);
    assert.match(shape.stderr, /not <type>=<count>/);
    const none = await berth.api('POST', `/api/v1/apps/${app}/ps/restart`, { process: 'nope' });
    assert.equal(none.json.error.code, 'PROCESS_TYPE_NOT_FOUND');
  });

  it('ps:restart replaces the containers of one type, new ones healthy before old ones go', async () => {
    const web = containers(berth, app, 'web');
    const worker = containers(berth, app, 'worker');
    const r = berth.cli(['ps:restart', app, 'web']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Waiting for 2 web containers[\s\S]*Routing to 2 web containers[\s\S]*Retiring 2 old containers/);
    assert.ok(await eventually(() => containers(berth, app, 'web').length === 2), 'the old ones retired (in the background)');
    const now = containers(berth, app, 'web');
    assert.equal(now.length, 2);
    assert.ok(now.every((id) => !web.includes(id)), 'all web containers are new');
    assert.deepEqual(containers(berth, app, 'worker'), worker, 'the worker was not touched');
  });

  it('ps:stop leaves the app down (502 page) and the reconciler does not restart it; ps:start brings it back', async () => {
    const r = berth.cli(['ps:stop', app]);
    assert.equal(r.code, 0, r.stderr);
    const down = await berth.viaRouter(host);
    assert.equal(down.status, 502);
    assert.match(down.text, new RegExp(`${app}[\\s\\S]*no running web process`));
    assert.deepEqual(containers(berth, app, 'web', true), []);
    assert.deepEqual(containers(berth, app, 'worker', true), []);
    // A stray container labelled as the stopped app's: the reconciler removes it, so once it is
    // gone a whole reconcile pass over this app has run (no sleep standing in for "a pass ran").
    const stray = docker(['run', '-d', '--label', `berth.app=${app}`, '--label', `berth.scope=${berth.env.BERTH_NETWORK}`,
      '--label', 'berth.release=1', '--label', 'berth.process=worker', 'berth/busybox:latest', 'sleep', '600']);
    orphans.push(stray);
    assert.ok(await eventually(() => !docker(['ps', '-aq', '--no-trunc']).split(/\s+/).includes(stray)), 'the reconciler never passed over the stopped app');
    assert.deepEqual(containers(berth, app, 'web', true), [], 'a stopped app stays stopped');
    assert.equal((await berth.viaRouter(host)).status, 502);
    const report = JSON.parse(berth.cli(['ps:report', app, '--json']).stdout).report;
    assert.equal(report.status, 'stopped');

    const started = berth.cli(['ps:start', app]);
    assert.equal(started.code, 0, started.stderr);
    assert.equal((await berth.viaRouter(host)).status, 200);
    assert.equal(containers(berth, app, 'web').length, 2, 'the formation was kept');
    assert.equal(containers(berth, app, 'worker').length, 1);
  });

  it('the memory limit shown is the one docker holds: berth\'s default (512 MiB) until resource:limit, in the CLI, the API and the dashboard', async () => {
    const MiB = 1024 * 1024;
    const ids = [...containers(berth, app, 'web'), ...containers(berth, app, 'worker')];
    assert.equal(ids.length, 3);
    for (const id of ids) assert.equal(JSON.parse(docker(['inspect', '-f', '{{json .HostConfig}}', id])).Memory, 512 * MiB);
    assert.match(berth.cli(['resource:report', app]).stdout, /Memory:\s+512 MB \(berth's default\)\n[\s\S]*CPUs:\s+1 \(berth's default\)/);
    assert.match(berth.cli(['apps:info', app]).stdout, /Memory:\s+512 MB \(berth's default\)\n/);
    assert.match(berth.cli(['ps:report', app]).stdout, /Limits:\s+memory 512 MB \(berth's default\), cpus 1 \(berth's default\)\n/);
    const report = JSON.parse(berth.cli(['ps:report', app, '--json']).stdout).report;
    assert.deepEqual([report.memoryMb, report.applied], [null, { memoryMb: 512, cpus: 1, memoryFrom: 'default', cpusFrom: 'default' }]);
    assert.deepEqual(report.processes.flatMap((p: { containers: { memoryLimitMb: number }[] }) => p.containers.map((c) => c.memoryLimitMb)), [512, 512, 512]);
    const session = new DashboardSession(berth.url);
    const name = uniqueName('admin');
    assert.equal(berth.cli(['users:add', name, '--role', 'admin', '--password'], { input: 'a long enough password\n' }).code, 0);
    await session.login('a long enough password', name);
    const page = await session.get(`/apps/${app}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /memory <strong data-memory-limit>512 MiB<\/strong> \(berth's default\), CPUs <strong data-cpu-limit>1<\/strong> \(berth's default\)/);
  });

  it('ps:set restart-policy and resource:limit are validated and apply to restarted containers', async () => {
    const bad = berth.cli(['ps:set', app, 'restart-policy', 'sometimes']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /not a restart policy/);
    assert.equal((await berth.api('PATCH', `/api/v1/apps/${app}/ps`, { restartPolicy: 'on-failure:x' })).json.error.code, 'INVALID_RESTART_POLICY');
    assert.equal(berth.cli(['ps:set', app, 'restart-policy', 'on-failure:5']).code, 0);
    const badLimit = await berth.api('PATCH', `/api/v1/apps/${app}/resources`, { memory: 'lots' });
    assert.equal(badLimit.json.error.code, 'INVALID_RESOURCE_LIMIT');
    const limit = berth.cli(['resource:limit', app, '--memory', '256m', '--cpu', '0.5']);
    assert.equal(limit.code, 0, limit.stderr);
    assert.match(berth.cli(['resource:report', app]).stdout, /Memory:\s+256 MB[\s\S]*CPUs:\s+0\.5/);
    assert.equal(berth.cli(['ps:restart', app]).code, 0);
    assert.ok(await eventually(() => containers(berth, app, 'web').length === 2 && containers(berth, app, 'worker').length === 1), 'the old containers retired');
    for (const id of [...containers(berth, app, 'web'), ...containers(berth, app, 'worker')]) {
      const hc = JSON.parse(docker(['inspect', '-f', '{{json .HostConfig}}', id]));
      assert.equal(hc.Memory, 256 * 1024 * 1024);
      assert.equal(hc.NanoCpus, 500_000_000);
      assert.deepEqual([hc.RestartPolicy.Name, hc.RestartPolicy.MaximumRetryCount], ['on-failure', 5]);
    }
    assert.equal(berth.cli(['resource:limit', app, '--memory', '0', '--cpu', '0']).code, 0);
    assert.equal(berth.cli(['ps:set', app, 'restart-policy', 'unless-stopped']).code, 0);
  });

  it('ps:rebuild builds the deploy branch\'s commit again as a new release', async () => {
    const r = berth.cli(['ps:rebuild', app]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /Building .* \([0-9a-f]{7}\)/);
    const releases = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases;
    assert.equal(releases[0].current, true);
    assert.equal(releases[0].gitSha, releases[1].gitSha);
    assert.match(releases[0].description, /^rebuild [0-9a-f]{7}$/);
    assert.ok(await eventually(() => containers(berth, app, 'web').length === 2), 'a rebuild keeps the scale (old ones retire)');
    assert.equal((await berth.viaRouter(host)).text.trim(), 'multi-process-app v1');
  });

  it('the reconciler replaces removed containers and removes orphans', async () => {
    const network = berth.env.BERTH_NETWORK;
    const worker = containers(berth, app, 'worker')[0];
    docker(['rm', '-f', worker]);
    const web = containers(berth, app, 'web')[0];
    docker(['kill', web]);
    const ghost = docker(['run', '-d', '--label', `berth.app=${uniqueName('ghost')}`, '--label', `berth.scope=${network}`,
      '--label', 'berth.process=web', 'berth/busybox:latest', 'sleep', '600']);
    const stale = docker(['run', '-d', '--label', `berth.app=${app}`, '--label', `berth.scope=${network}`, '--label', 'berth.release=1',
      '--label', 'berth.process=web', '--name', `berth.${app}.web.9.stale`, 'berth/busybox:latest', 'sleep', '600']);
    orphans.push(ghost, stale);
    const healed = await eventually(() => {
      const w = containers(berth, app, 'worker');
      const webs = containers(berth, app, 'web');
      const gone = !docker(['ps', '-aq', '--no-trunc']).split(/\s+/).some((id) => id === ghost || id === stale);
      return w.length === 1 && !w.includes(worker) && webs.length === 2 && !webs.includes(web) && gone;
    });
    assert.ok(healed, `not reconciled; berth log:\n${berth.output.slice(-3000)}`);
    assert.match(berth.output, /reconcile .*removing/);
    const hosts = new Set<string>();
    for (let i = 0; i < 8; i++) hosts.add((await berth.viaRouter(host, '/host.txt')).text.trim());
    assert.equal(hosts.size, 2, 'the router serves from both web containers after reconciling');
  });
});
