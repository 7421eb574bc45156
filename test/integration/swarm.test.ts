import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { uniqueName, type BerthProcess } from '../support/berth-process';
import { buildImage } from './swarm-images';
import { Follower } from '../support/log-follower';
import { waitFor } from '../support/poll';
import { WorkTree } from '../support/git-client';
import { normalizeTime } from '../../app/logs';
import { describeLoad, SLOW_REQUESTS, steadyLoad } from '../support/load';
import { requireBerthStack } from '../support/requirements';
import { skipBecause } from '../support/skip';
import { berthRegistry } from '../support/berth-registry';
import { registryRefusesStrangers } from '../security/registry-attacks';
import { startSingleNodeSwarm, withoutSwarm, type SwarmCluster, type WithoutSwarm } from '../support/swarm-cluster';

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
/**
 * The swarm's advertised address and the registry's address. Both default to loopback (a single-node
 * swarm on this engine); a run against another engine (DOCKER_HOST + DOCKER_SOCKET) in a network
 * namespace sets them to the veth addresses (BERTH_TEST_SWARM_ADDR, BERTH_REGISTRY_ADDR).
 */
const SWARM_ADDR = process.env.BERTH_TEST_SWARM_ADDR || '127.0.0.1';
const REGISTRY_ADDR = process.env.BERTH_REGISTRY_ADDR || '127.0.0.1';
const esc = (s: string) => s.replace(/\./g, '\\.');

describe('swarm scheduler: registry, router, scale, zero-downtime redeploy, rollback, placement, switching', function () {
  this.timeout(600_000);
  let cluster: SwarmCluster | null = null;
  let berth: BerthProcess;
  let registryPort = 0;
  const id = uniqueName('sw');
  const image = (tag: string) => `berth-test/${id}:${tag}`;
  const app = uniqueName('swapp');
  const host = `${app}.localhost`;
  const scope = () => `${berth.env.BERTH_NETWORK}-swarm`;
  const services = () => docker('service', 'ls', '--filter', `label=berth.app=${app}`, '--filter', `label=berth.scope=${scope()}`, '--format', '{{.Name}}')
    .stdout.split('\n').filter(Boolean);
  const inspect = (name: string) => JSON.parse(docker('service', 'inspect', name).stdout)[0];
  /** A second app, pushed with git: a Procfile (web, worker, release command) and output to read. */
  const app2 = uniqueName('swlog');
  const host2 = `${app2}.localhost`;
  let wt: WorkTree | undefined;
  const followers: Follower[] = [];
  const services2 = () => docker('service', 'ls', '--filter', `label=berth.app=${app2}`, '--format', '{{.Name}}').stdout.split('\n').filter(Boolean).sort();
  const registry = () => berthRegistry(berth.home, REGISTRY_ADDR, registryPort);
  const tagsOf = async (repoApp: string): Promise<string[]> => {
    const res = await registry().request(`/v2/berth/${repoApp}/tags/list`);
    return res.status === 404 ? [] : (JSON.parse(res.body) as { tags: string[] | null }).tags ?? [];
  };

  async function deploy(ref: string): Promise<string> {
    const dep = await berth.api('POST', `/api/v1/apps/${app}/deploys`, { image: ref });
    assert.equal(dep.status, 202, dep.text);
    return follow(dep.json.build.id);
  }
  async function follow(buildId: number): Promise<string> {
    return (await berth.api('GET', `/api/v1/apps/${app}/builds/${buildId}/log?follow=1`)).text;
  }

  before(async function () {
    requireBerthStack();
    cluster = await startSingleNodeSwarm(this, {
      advertiseAddr: SWARM_ADDR, registryAddr: REGISTRY_ADDR, // A retire-wait longer than the slow requests (test berths default to 1 s): they drain, counted.
      env: { BERTH_KEEP_IMAGES: '3', BERTH_RETIRE_WAIT: '30' }, before: withoutSwarm,
      ownImages: [`berth-test/${id}:`, `berth/${app}:`, `berth/${app2}:`],
    });
    ({ berth, registryPort } = cluster);
    buildImage(image('1'), { text: 'swarm-v1' });
    buildImage(image('2'), { text: 'swarm-v2' });
    buildImage(image('bad'), { crash: true });
  });

  after(async () => {
    followers.forEach((f) => f.stop());
    wt?.remove();
    await cluster?.destroy();
  });

  it('berth swarm:init makes the swarm, starts berth\'s registry and prints the join command; without a swarm berth names it', async function () {
    // A swarm this engine manages was there before the test (outside the project): nothing was made.
    if (!cluster!.init) skipBecause(this, 'this engine already managed a swarm berth\'s tests did not make: berth swarm:init had nothing to do');
    const before = cluster!.init!.before as WithoutSwarm;
    const naming = /This Docker engine is not a manager of an active swarm; run `berth swarm:init --advertise-addr <this host's private address>` first/;
    for (const r of [before.nodes, before.set]) { assert.notEqual(r.code, 0); assert.match(r.stderr, naming); }
    assert.equal(before.schedulerAfter, 'docker-local', 'the refused switch changed nothing');

    const out = cluster!.init!.output.stdout;
    const token = docker('swarm', 'join-token', '-q', 'worker').stdout.trim();
    assert.match(token, /^SWMTKN-1-/);
    assert.ok(out.includes(`-----> Swarm initialised: this engine is its manager (${SWARM_ADDR}:2377)\n`), out);
    assert.ok(out.includes(`-----> berth's registry: ${REGISTRY_ADDR}:${registryPort}\n`) && out.includes(`copy berth's ${path.join(berth.home, 'registry', 'auth', 'ca.crt')} (on this host)\n       to its /etc/docker/certs.d/${REGISTRY_ADDR}:${registryPort}/ca.crt, then run:\n`), out);
    assert.ok(out.includes(`\n         docker swarm join --token ${token} ${SWARM_ADDR}:2377\n`), out);
    assert.equal(/other nodes cannot reach/.test(out), REGISTRY_ADDR.startsWith('127.'), 'the loopback-registry note');
    assert.equal((await registry().request('/v2/')).status, 200, 'the registry runs before any deploy');

    const again = berth.cli(['swarm:init']);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(again.stdout.startsWith(`-----> This engine already manages a swarm (${SWARM_ADDR}:2377)\n`), again.stdout);

    // A developer can neither make nor read the swarm's join token.
    const dev = await berth.api('POST', '/api/v1/users', { name: uniqueName('swdev'), role: 'developer' });
    assert.equal(dev.status, 201, dev.text);
    const refused = await berth.api('POST', '/api/v1/swarm/init', {}, dev.json.token);
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'FORBIDDEN');
    assert.ok(!refused.text.includes(token));
  });

  it('deploys with the swarm scheduler: the image goes through berth\'s registry and the router reaches the task', async () => {
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
    const set = berth.cli(['scheduler:set', app, 'swarm']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /runs on swarm/);

    const log = await deploy(image('1'));
    assert.match(log, new RegExp(`Pushing ${esc(REGISTRY_ADDR)}:${registryPort}/berth/${app}:v1`));
    assert.match(log, /Routing .* to 1 swarm task[\s\S]*@@berth-status succeeded/);
    assert.equal((await berth.viaRouter(host)).text.trim(), 'swarm-v1');

    const [svc] = services();
    const spec = inspect(svc).Spec;
    assert.ok(spec.TaskTemplate.ContainerSpec.Image.startsWith(`${REGISTRY_ADDR}:${registryPort}/berth/${app}:v1`), 'the task pulls from berth\'s registry');
    assert.equal(spec.UpdateConfig.Order, 'start-first');
    assert.equal(spec.UpdateConfig.FailureAction, 'rollback');
    assert.equal(spec.EndpointSpec.Ports[0].PublishMode, 'host');
    assert.deepEqual(await tagsOf(app), ['v1']);
  });

  it('berth\'s registry serves only berth\'s login over TLS from berth\'s CA: anonymous reads, pulls and pushes are refused', () => registryRefusesStrangers({ home: berth.home, addr: REGISTRY_ADDR, port: registryPort, app }));

  it('scales to 3 replicas, each on its own host port, all routed', async () => {
    const scaled = await berth.api('POST', `/api/v1/apps/${app}/ps/scale`, { scale: { web: 3 } });
    assert.equal(scaled.status, 202, scaled.text);
    assert.match(await follow(scaled.json.build.id), /@@berth-status succeeded/);
    assert.equal(inspect(services()[0]).Spec.Mode.Replicated.Replicas, 3);
    const report = (await berth.api('GET', `/api/v1/apps/${app}/scheduler`)).json.scheduler;
    const web = report.status.processes.find((p: { type: string }) => p.type === 'web');
    assert.equal(web.running, 3);
    assert.equal(new Set(web.instances.map((i: { address: string }) => i.address)).size, 3);
    const appsDir = path.join(berth.home, 'nginx', 'apps');
    const conf = fs.readFileSync(path.join(appsDir, fs.readdirSync(appsDir).find((f) => f.includes(app))!), 'utf8');
    for (const i of web.instances) assert.ok(conf.includes(i.address), `nginx routes to ${i.address}`);
    for (let i = 0; i < 6; i++) assert.equal((await berth.viaRouter(host)).text.trim(), 'swarm-v1');
  });

  it('redeploys with zero failed requests, slow ones (1–3 s) in flight included, under a steady load', async () => {
    const load = await steadyLoad({ port: berth.routerPort, host, rps: 25, maxSeconds: 600, slow: SLOW_REQUESTS });
    // Slow requests are being answered before the redeploy, so some are in flight when the old tasks retire.
    await waitFor('slow requests being answered', () => load.progress().slowOk >= 1);
    const log = await deploy(image('2'));
    assert.match(log, /@@berth-status succeeded/);
    for (let i = 0; i < 10; i++) await berth.viaRouter(host);
    const result = await load.stop();
    process.stdout.write(`      load during the swarm redeploy: ${describeLoad(result)}\n`);
    assert.ok(result.ok > 20, 'the load ran');
    assert.equal(result.failed, 0, describeLoad(result));
    assert.ok(result.slowSent >= 5, `slow requests were mixed in (${result.slowSent})`);
    assert.equal(result.slowOk, result.slowSent, describeLoad(result));
    assert.equal((await berth.viaRouter(host)).text.trim(), 'swarm-v2');
    assert.equal(services().length, 1, 'the old service was retired');
    assert.equal(inspect(services()[0]).Spec.Mode.Replicated.Replicas, 3, 'the scale carried over');
  });

  it('a release whose tasks fail their health check is removed; the previous one keeps serving', async () => {
    const before = services();
    const log = await deploy(image('bad'));
    assert.match(log, /failed its health check on swarm[\s\S]*@@berth-status failed/);
    assert.deepEqual(services(), before);
    assert.equal((await berth.viaRouter(host)).text.trim(), 'swarm-v2');
    const releases = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases;
    assert.equal(releases.find((r: { current: boolean }) => r.current).image.endsWith(':v2'), true);
  });

  it('lists and labels nodes; ps:set placement re-releases the app onto matching nodes', async () => {
    const hostname = docker('info', '--format', '{{.Name}}').stdout.trim();
    const label = berth.cli(['nodes:label', hostname, 'zone=a']);
    assert.equal(label.code, 0, label.stderr);
    const nodes = berth.cli(['nodes']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout, new RegExp(`${hostname}.*manager \\(leader\\).*ready.*zone=a`));

    const placed = berth.cli(['ps:set', app, 'placement', 'node.labels.zone==a']);
    assert.equal(placed.code, 0, placed.stderr + placed.stdout);
    assert.deepEqual(inspect(services()[0]).Spec.TaskTemplate.Placement.Constraints, ['node.labels.zone==a']);
    assert.equal((await berth.viaRouter(host)).text.trim(), 'swarm-v2');
    const bad = berth.cli(['ps:set', app, 'placement', 'zone=a;rm', '--json']);
    assert.equal(bad.code, 1, bad.stdout);
    assert.equal(JSON.parse(bad.stderr).error.code, 'INVALID_PLACEMENT', bad.stderr);
    assert.deepEqual(inspect(services()[0]).Spec.TaskTemplate.Placement.Constraints, ['node.labels.zone==a'], 'the refused constraint changed nothing');
    assert.equal(berth.cli(['nodes:label', hostname, 'zone=']).code, 0);
    // The next tests deploy this app again: a constraint left on it would match no node.
    const none = berth.cli(['ps:set', app, 'placement', 'none']);
    assert.equal(none.code, 0, none.stderr + none.stdout);
    assert.deepEqual(inspect(services()[0]).Spec.TaskTemplate.Placement?.Constraints ?? [], []);
  });

  it('switching between docker-local and swarm keeps domains and config', async () => {
    const custom = `${app}.example.test`;
    assert.equal(berth.cli(['domains:add', app, custom]).code, 0);
    const cfg = await berth.api('PATCH', `/api/v1/apps/${app}/config`, { set: { GREETING: 'hello' } });
    assert.match(await follow(cfg.json.build.id), /@@berth-status succeeded/);
    const env: string[] = inspect(services()[0]).Spec.TaskTemplate.ContainerSpec.Env;
    assert.ok(env.includes('GREETING=hello'), 'the swarm tasks get the config');
    assert.equal((await berth.viaRouter(custom)).text.trim(), 'swarm-v2');

    const local = berth.cli(['scheduler:set', app, 'docker-local']);
    assert.equal(local.code, 0, local.stderr + local.stdout);
    assert.deepEqual(services(), [], 'the swarm services are gone');
    assert.equal((await berth.viaRouter(custom)).text.trim(), 'swarm-v2');
    assert.equal((await berth.viaRouter(host)).text.trim(), 'swarm-v2');
    const ids = docker('ps', '-q', '--filter', `label=berth.app=${app}`, '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}`).stdout.split('\n').filter(Boolean);
    assert.equal(ids.length, 3, 'docker-local runs the same formation');
    assert.match(docker('inspect', '--format', '{{json .Config.Env}}', ids[0]).stdout, /GREETING=hello/);

    const back = berth.cli(['scheduler:set', app, 'swarm']);
    assert.equal(back.code, 0, back.stderr + back.stdout);
    assert.equal(services().length, 1);
    assert.equal((await berth.viaRouter(custom)).text.trim(), 'swarm-v2');
    assert.equal(docker('ps', '-q', '--filter', `label=berth.app=${app}`, '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}`).stdout.trim(), '');
    const domains = await berth.api('GET', `/api/v1/apps/${app}/domains`);
    assert.match(domains.text, new RegExp(custom.replace(/\./g, '\\.')));
  });

  it('berth run on a swarm app: a one-off of its release with its config, through the swarm scheduler', () => {
    const r = berth.cli(['run', app, '--', 'sh', '-c', 'echo "greeting=$GREETING"; cat /www/index.html; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /greeting=hello\nswarm-v2/);
    // A container on the manager, removed afterwards; the app's services are untouched.
    assert.equal(docker('ps', '-aq', '--filter', `label=berth.app=${app}`, '--filter', 'label=berth.process=run').stdout.trim(), '');
    assert.equal(services().length, 1);
  });

  it('runs the release command on swarm before the services start, with the app\'s env', async () => {
    wt = WorkTree.fromFixture('oneoff-app');
    wt.write('Procfile', 'web: /bin/sh /app/web.sh\nworker: /bin/sh /app/worker.sh\nrelease: echo "release phase with $RELEASE_MARK on $PORT" | tr a-z A-Z\n');
    wt.write('www/index.html', 'swlog v1\n');
    wt.commitAll('v1');
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: app2 })).status, 201);
    assert.equal(berth.cli(['scheduler:set', app2, 'swarm']).code, 0);
    const marked = await berth.api('PATCH', `/api/v1/apps/${app2}/config`, { set: { RELEASE_MARK: `mark-${id}` } });
    assert.equal(marked.status, 200, marked.text);
    assert.equal(marked.json.build, null, 'no release yet: the config is saved, nothing is built');
    const pushed = wt.push(berth.url, berth.token, app2);
    assert.equal(pushed.code, 0, pushed.output);
    // The command ran with the app's env, before any swarm service existed (upper-cased: the build
    // log masks config values as they are).
    assert.match(pushed.output, new RegExp(`Running release command[\\s\\S]*RELEASE PHASE WITH MARK-${id.toUpperCase()} ON 5000[\\s\\S]*Pushing [\\s\\S]*Creating swarm service`));
    assert.equal((await berth.viaRouter(host2)).text.trim(), 'swlog v1');
    assert.equal(services2().length, 2, 'a web and a worker service (scaled to 0)');
    wt.write('Procfile', 'web: /bin/sh /app/web.sh\nworker: /bin/sh /app/worker.sh\n');
    wt.commitAll('no release command');
  });

  it('ps:report shows a swarm app\'s tasks: desired vs running per process type, node, address; running/degraded/stopped', async () => {
    const scaled = berth.cli(['ps:scale', app2, 'worker=1']);
    assert.equal(scaled.code, 0, scaled.stderr + scaled.stdout);
    const hostname = docker('info', '--format', '{{.Name}}').stdout.trim();
    const report = async () => (await berth.api('GET', `/api/v1/apps/${app2}/ps`)).json.report;
    // The worker task may still be starting (scale checks web tasks only): degraded until it runs.
    const r = await waitFor('both tasks running', async () => { const x = await report(); return x.status === 'running' ? x : null; }, 30_000);
    assert.equal(r.scheduler, 'swarm');
    assert.equal(r.status, 'running');
    const web = r.processes.find((p: { type: string }) => p.type === 'web');
    const worker = r.processes.find((p: { type: string }) => p.type === 'worker');
    assert.deepEqual([web.desired, web.running, worker.desired, worker.running], [1, 1, 1, 1]);
    assert.equal(web.containers[0].name, 'web.1');
    assert.equal(web.containers[0].node, hostname);
    assert.equal(web.containers[0].release, 1);
    assert.match(web.containers[0].ip, new RegExp(`^${esc(SWARM_ADDR)}:\\d+$`));
    const cli = berth.cli(['ps:report', app2]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, new RegExp(`web\\s+1/1\\s+web\\.1\\s+running\\s+v1\\s+${esc(hostname)}\\s+${esc(SWARM_ADDR)}:\\d+`));
    assert.match(cli.stdout, /worker\s+1\/1\s+worker\.1\s+running\s+v1/);

    // A task gone behind berth's back: fewer running than desired.
    const workerService = services2().find((n) => n.startsWith(`${app2}-worker-`))!;
    assert.equal(docker('service', 'scale', '-d', `${workerService}=0`).status, 0);
    const degraded = await waitFor('a degraded report', async () => { const x = await report(); return x.status === 'degraded' ? x : null; }, 30_000);
    assert.equal(degraded.processes.find((p: { type: string }) => p.type === 'worker').running, 0);
    assert.equal(berth.cli(['ps:start', app2]).code, 0);
    await waitFor('worker running again', async () => (await report()).status === 'running', 30_000);

    assert.equal(berth.cli(['ps:stop', app2]).code, 0);
    const stopped = await report();
    assert.equal(stopped.status, 'stopped');
    assert.deepEqual(stopped.processes.map((p: { desired: number }) => p.desired), [0, 0]);
    assert.equal(berth.cli(['ps:start', app2]).code, 0);
    const started = await waitFor('running after ps:start', async () => { const x = await report(); return x.status === 'running' ? x : null; }, 30_000);
    assert.equal(started.processes.find((p: { type: string }) => p.type === 'web').running, 1);
    assert.equal((await berth.viaRouter(host2)).text.trim(), 'swlog v1');
  });

  it('berth logs reads a swarm app\'s tasks: tagged <process>.<slot>, merged by time, --process and -n', async () => {
    const all = await waitFor('web and worker lines', () => {
      const out = berth.cli(['logs', app2, '-n', '500']).stdout;
      return /^web\.1 \| web starting v1 on port 5000$/m.test(out) && (out.match(/^worker\.1 \| worker tick \d+$/gm) ?? []).length >= 3 ? out : '';
    }, 30_000);
    const tagged = all.split('\n').filter(Boolean);
    assert.ok(tagged.every((l) => /^(web|worker)\.1 \| /.test(l)), `every line is tagged web.1 or worker.1:\n${all}`);
    // Merged by time: the same order as docker's own timestamps of both services' tasks (berth's read
    // came first, so it is a prefix of what docker shows a moment later).
    const byDocker = services2().flatMap((n) => docker('service', 'logs', '--timestamps', n).stdout.split('\n').filter(Boolean)
      .map((l) => ({ at: normalizeTime(l.slice(0, l.indexOf(' '))), text: `${n.includes('-worker-') ? 'worker' : 'web'} ${l.slice(l.indexOf('| ') + 2)}` })))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).map((e) => e.text);
    const byBerth = tagged.map((l) => l.replace(/^(\w+)\.1 \| /, '$1 '));
    assert.ok(byBerth.length > 3);
    assert.deepEqual(byBerth, byDocker.slice(0, byBerth.length));
    const three = berth.cli(['logs', app2, '-n', '3']).stdout.split('\n').filter(Boolean);
    assert.equal(three.length, 3);
    const worker = berth.cli(['logs', app2, '--process', 'worker', '-n', '50']).stdout.split('\n').filter(Boolean);
    assert.ok(worker.length > 2 && worker.every((l) => l.startsWith('worker.1 | ')), worker.join('\n'));
    const web = berth.cli(['logs', app2, '--process', 'web.1']).stdout.split('\n').filter(Boolean);
    assert.ok(web.length > 0 && web.every((l) => l.startsWith('web.1 | ')), web.join('\n'));
  });

  it('berth logs -t follows a swarm app into the services of a new deploy; the retired release\'s output is kept', async () => {
    const f = new Follower(berth, [app2, '-t', '-n', '1']);
    followers.push(f);
    const first = await waitFor('a first worker tick', () => /worker\.1 \| worker tick (\d+)/.exec(f.out)?.[1], 30_000);
    await waitFor('a newer worker tick', () => [...f.out.matchAll(/worker tick (\d+)/g)].some((m) => Number(m[1]) > Number(first)), 15_000);
    wt!.write('web.sh', wt!.read('web.sh').replace('${RELEASE_NAME:-v1}', 'v3'));
    wt!.commitAll('v3');
    const pushed = wt!.push(berth.url, berth.token, app2);
    assert.equal(pushed.code, 0, pushed.output);
    await waitFor('the new release\'s web line', () => /^web\.1 \| web starting v3 on port 5000$/m.test(f.out), 30_000);
    f.stop();
    await waitFor('the v1 services to be retired', () => services2().length === 2 && services2().every((n) => inspect(n).Spec.Labels['berth.release'] !== '1'), 60_000);
    const v1 = berth.cli(['logs', app2, '--release', 'v1', '-n', '1000']);
    assert.match(v1.stdout, /^web\.1 \| web starting v1 on port 5000$/m);
    assert.doesNotMatch(v1.stdout, /v3/);
  });

  it('a failing release command on swarm fails the push: no new service, the old release keeps serving, the app reads failed', async () => {
    const before = services2();
    const versions = async () => (await berth.api('GET', `/api/v1/apps/${app2}/releases`)).json.releases.map((r: { version: number }) => r.version);
    assert.deepEqual(await versions(), [2, 1]);
    wt!.write('Procfile', 'web: /bin/sh /app/web.sh\nworker: /bin/sh /app/worker.sh\nrelease: echo "migration failed" >&2; exit 3\n');
    wt!.write('www/index.html', 'swlog v2\n');
    wt!.commitAll('a failing release command');
    const failed = wt!.push(berth.url, berth.token, app2);
    assert.notEqual(failed.code, 0, 'the push is rejected');
    assert.match(failed.output, /migration failed[\s\S]*release command exited with code 3/);
    assert.doesNotMatch(failed.output, /Creating swarm service/);
    assert.deepEqual(services2(), before, 'no new service was created');
    assert.deepEqual([(await berth.viaRouter(host2)).text.trim(), await versions()], ['swlog v1', [2, 1]], 'release 2 keeps serving; no release made');
    const { status, failedDeploy } = (await berth.api('GET', `/api/v1/apps/${app2}/ps`)).json.report;
    assert.deepEqual([status, failedDeploy.kind], ['failed', 'push']);
  });

  it('prunes berth\'s registry with the release images: only kept releases stay, deleted ones\' blobs go; rollback to a kept one works', async () => {
    const manifest = async (tag: string) => JSON.parse((await registry().request(`/v2/berth/${app}/manifests/${tag}`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    })).body) as { config: { digest: string }; layers: { digest: string }[] };
    const blobFile = (digest: string) => path.join(berth.home, 'registry', 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7), 'data');
    const pushedBlobs: { version: number; blobs: string[] }[] = [];
    for (const n of [1, 2, 3, 4]) {
      buildImage(image(`p${n}`), { text: `prune-${n}` });
      assert.match(await deploy(image(`p${n}`)), /@@berth-status succeeded/);
      const current = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases.find((r: { current: boolean }) => r.current);
      const m = await manifest(`v${current.version}`);
      // Its own layer (the RUN that wrote index.html) and its config: no other release has them.
      pushedBlobs.push({ version: current.version, blobs: [m.config.digest, m.layers.at(-1)!.digest] });
    }
    assert.equal((await berth.viaRouter(host)).text.trim(), 'prune-4');
    const versions: number[] = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases.map((r: { version: number }) => r.version);
    const kept = versions.slice(0, 3).map((v) => `v${v}`).sort();
    // Pruning runs right after the deploy's log ends.
    await waitFor(`only ${kept.join(', ')} in the registry`, async () => JSON.stringify((await tagsOf(app)).sort()) === JSON.stringify(kept), 60_000);
    // garbage-collect runs after the last tag's delete: the tag list can be final a moment before it.
    await waitFor(`blobs of pruned v${pushedBlobs[0].version} collected`, () => pushedBlobs[0].blobs.every((b) => !fs.existsSync(blobFile(b))), 60_000);
    for (const b of pushedBlobs[3].blobs) assert.equal(fs.existsSync(blobFile(b)), true, `blob ${b} of kept v${pushedBlobs[3].version} stays`);
    const gone = await registry().request(`/v2/berth/${app}/blobs/${pushedBlobs[0].blobs[1]}`, { method: 'HEAD' });
    assert.equal(gone.status, 404);

    // The oldest kept release rolls back on swarm; its tag shares a manifest with the new one, so it stays.
    const oldest = pushedBlobs[1].version;
    const rb = await berth.api('POST', `/api/v1/apps/${app}/releases/rollback`, { version: `v${oldest}` });
    assert.equal(rb.status, 202, rb.text);
    assert.match(await follow(rb.json.build.id), /@@berth-status succeeded/);
    assert.equal((await berth.viaRouter(host)).text.trim(), 'prune-2');
    const rolled = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases[0].version;
    const expected = [`v${oldest}`, `v${pushedBlobs[2].version}`, `v${pushedBlobs[3].version}`, `v${rolled}`].sort();
    await waitFor(`${expected.join(', ')} in the registry`, async () => JSON.stringify((await tagsOf(app)).sort()) === JSON.stringify(expected), 60_000);
    const pruned = await berth.api('POST', `/api/v1/apps/${app}/releases/rollback`, { version: `v${pushedBlobs[0].version}` });
    assert.equal(pruned.status, 202, pruned.text);
    assert.match(await follow(pruned.json.build.id), /was pruned[\s\S]*@@berth-status failed/);
    assert.equal((await berth.viaRouter(host)).text.trim(), 'prune-2');
  });

  it('destroying a swarm app deletes its images from berth\'s registry', async () => {
    assert.ok((await tagsOf(app2)).length > 0);
    const destroyed = await berth.api('DELETE', `/api/v1/apps/${app2}?confirm=${app2}`);
    assert.equal(destroyed.status, 204, destroyed.text);
    assert.deepEqual(await tagsOf(app2), []);
    assert.deepEqual(services2(), []);
  });
});
