import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePortPair, startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { steadyLoad } from '../support/load';
import { requireBerthStack } from '../support/requirements';

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
/**
 * The swarm's advertised address and the registry's address. Both default to loopback (a single-node
 * swarm on this engine); a run against another engine (DOCKER_HOST + DOCKER_SOCKET) in a network
 * namespace sets them to the veth addresses (BERTH_TEST_SWARM_ADDR, BERTH_REGISTRY_ADDR).
 */
const SWARM_ADDR = process.env.BERTH_TEST_SWARM_ADDR || '127.0.0.1';
const REGISTRY_ADDR = process.env.BERTH_REGISTRY_ADDR || '127.0.0.1';
const esc = (s: string) => s.replace(/\./g, '\\.');

/** A busybox web server answering `text` on port 8000; `crash` makes one that exits at once. */
function buildImage(tag: string, o: { text?: string; crash?: boolean }): void {
  const dockerfile = o.crash
    ? 'FROM berth/busybox:latest\nEXPOSE 8000\nCMD ["sh", "-c", "echo this release is broken >&2; exit 1"]\n'
    : `FROM berth/busybox:latest\nRUN mkdir -p /www && echo ${o.text} > /www/index.html\nEXPOSE 8000\nCMD ["httpd", "-f", "-p", "8000", "-h", "/www"]\n`;
  const built = spawnSync('docker', ['build', '-q', '-t', tag, '-'], { input: dockerfile, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
}

describe('swarm scheduler: registry, router, scale, zero-downtime redeploy, rollback, placement, switching', function () {
  this.timeout(600_000);
  let berth: BerthProcess;
  let createdSwarm = false;
  let registryPort = 0;
  const id = uniqueName('sw');
  const image = (tag: string) => `berth-test/${id}:${tag}`;
  const app = uniqueName('swapp');
  const host = `${app}.localhost`;
  const scope = () => `${berth.env.BERTH_NETWORK}-swarm`;
  const services = () => docker('service', 'ls', '--filter', `label=berth.app=${app}`, '--filter', `label=berth.scope=${scope()}`, '--format', '{{.Name}}')
    .stdout.split('\n').filter(Boolean);
  const inspect = (name: string) => JSON.parse(docker('service', 'inspect', name).stdout)[0];

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
    const state = docker('info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}').stdout.trim();
    if (state.startsWith('inactive')) {
      const init = docker('swarm', 'init', '--advertise-addr', SWARM_ADDR);
      assert.equal(init.status, 0, init.stderr);
      createdSwarm = true;
    } else if (state !== 'active true') {
      this.skip();
    }
    registryPort = freePortPair()[0];
    buildImage(image('1'), { text: 'swarm-v1' });
    buildImage(image('2'), { text: 'swarm-v2' });
    buildImage(image('bad'), { crash: true });
    berth = await startBerth({ BERTH_REGISTRY_PORT: String(registryPort) });
  });

  after(async () => {
    if (berth) {
      for (const s of docker('service', 'ls', '--filter', `label=berth.scope=${scope()}`, '--format', '{{.Name}}').stdout.split('\n').filter(Boolean)) docker('service', 'rm', s);
      // Removing a service stops its tasks' containers a moment later; their images can go after that.
      for (let i = 0; i < 60 && docker('ps', '-aq', '--filter', `label=berth.scope=${scope()}`).stdout.trim(); i++) await new Promise((r) => setTimeout(r, 500));
      const pidFile = path.join(berth.home, 'registry', 'registry.pid');
      if (fs.existsSync(pidFile)) { try { process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGTERM'); } catch { /* gone */ } }
      await berth.destroy();
    }
    const refs = docker('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}').stdout.split('\n')
      .filter((r) => r.startsWith(`berth-test/${id}:`) || r.startsWith(`berth/${app}:`) || r.startsWith(`${REGISTRY_ADDR}:${registryPort}/`));
    // By id: tasks pulled the registry copies by digest, which leaves them untagged (`<none>`).
    if (refs.length > 0) docker('rmi', '-f', ...new Set(refs.map((r) => r.split(' ')[1])));
    if (createdSwarm) docker('swarm', 'leave', '--force');
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
    const tags = await (await fetch(`http://${REGISTRY_ADDR}:${registryPort}/v2/berth/${app}/tags/list`)).json() as { tags: string[] };
    assert.deepEqual(tags.tags, ['v1']);
  });

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

  it('redeploys with zero failed requests under a steady load', async () => {
    const load = await steadyLoad({ port: berth.routerPort, host, rps: 25 });
    const log = await deploy(image('2'));
    assert.match(log, /@@berth-status succeeded/);
    for (let i = 0; i < 10; i++) await berth.viaRouter(host);
    const result = await load.stop();
    console.log(`      load during the swarm redeploy: ${JSON.stringify({ ...result, samples: result.samples.slice(0, 3) })}`);
    assert.ok(result.ok > 20, 'the load ran');
    assert.equal(result.failed, 0, result.samples.join('\n'));
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
    const bad = berth.cli(['ps:set', app, 'placement', 'zone=a;rm']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr + bad.stdout, /INVALID_PLACEMENT|not a placement constraint/);
    assert.equal(berth.cli(['nodes:label', hostname, 'zone=']).code, 0);
    berth.cli(['ps:set', app, 'placement', 'none']);
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
});
