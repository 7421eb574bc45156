import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePortPair, startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { NetnsDocker } from '../support/netns-docker';
import { requireBerthStack } from '../support/requirements';

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A two-node swarm on one machine: this engine is the manager, advertising the host side of a veth
 * pair; a second dockerd in a network namespace (own data-root, own address) joins as a worker.
 * berth (BERTH_SCHEDULER=swarm) spreads an app's replicas over both and routes to both.
 */
describe('swarm scheduler on two nodes (a second dockerd in a network namespace)', function () {
  this.timeout(600_000);
  let berth: BerthProcess;
  let node2: NetnsDocker | null = null;
  let createdSwarm = false;
  let registryPort = 0;
  const app = uniqueName('swnodes');
  const tag = `berth-test/${app}:1`;
  const host = `${app}.localhost`;
  const services = () => docker('service', 'ls', '--filter', `label=berth.app=${app}`, '--format', '{{.Name}}').stdout.split('\n').filter(Boolean);

  before(async function () {
    requireBerthStack();
    if (!docker('info', '--format', '{{.Swarm.LocalNodeState}}').stdout.startsWith('inactive')) this.skip();
    if (spawnSync('ip', ['netns', 'list']).status !== 0) this.skip();
    node2 = new NetnsDocker();
    await node2.start();
    const init = docker('swarm', 'init', '--advertise-addr', node2.hostAddr);
    assert.equal(init.status, 0, init.stderr);
    createdSwarm = true;
    const token = docker('swarm', 'join-token', '-q', 'worker').stdout.trim();
    const join = node2.docker('swarm', 'join', '--token', token, `${node2.hostAddr}:2377`);
    assert.equal(join.status, 0, join.stderr);
    for (let i = 0; i < 50 && docker('node', 'ls', '--format', '{{.Status}}').stdout.split('\n').filter((s) => s === 'Ready').length < 2; i++) await sleep(300);
    registryPort = freePortPair()[0];
    node2.forwardLoopback(registryPort);
    const built = spawnSync('docker', ['build', '-q', '-t', tag, '-'], {
      input: 'FROM berth/busybox:latest\nRUN mkdir -p /www && echo two-nodes > /www/index.html\nEXPOSE 8000\nCMD ["httpd", "-f", "-p", "8000", "-h", "/www"]\n',
      encoding: 'utf8',
    });
    assert.equal(built.status, 0, built.stderr);
    berth = await startBerth({ BERTH_REGISTRY_PORT: String(registryPort), BERTH_SCHEDULER: 'swarm' });
  });

  after(async () => {
    for (const s of services()) docker('service', 'rm', s);
    // Removing a service stops its tasks' containers a moment later; their images can go after that.
    for (let i = 0; i < 60 && docker('ps', '-aq', '--filter', `label=berth.app=${app}`).stdout.trim(); i++) await sleep(500);
    if (berth) {
      const pidFile = path.join(berth.home, 'registry', 'registry.pid');
      if (fs.existsSync(pidFile)) { try { process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGTERM'); } catch { /* gone */ } }
      await berth.destroy();
    }
    node2?.docker('swarm', 'leave', '--force');
    if (createdSwarm) docker('swarm', 'leave', '--force');
    await node2?.destroy();
    const refs = docker('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}').stdout.split('\n')
      .filter((r) => r === tag || r.startsWith(`berth/${app}:`) || r.startsWith(`127.0.0.1:${registryPort}/`));
    // By id: tasks pulled the registry copies by digest, which leaves them untagged (`<none>`).
    if (refs.length > 0) docker('rmi', '-f', ...new Set(refs.map((r) => r.split(' ')[1])));
  });

  it('lists both nodes, spreads 4 replicas over them and routes to tasks on both', async () => {
    const nodes = (await berth.api('GET', '/api/v1/nodes')).json.nodes as { id: string; addr: string; role: string; status: string }[];
    assert.deepEqual(nodes.map((n) => `${n.role} ${n.status} ${n.addr}`).sort(), [`manager ready ${node2!.hostAddr}`, `worker ready ${node2!.nsAddr}`]);

    await berth.api('POST', '/api/v1/apps', { name: app });
    const dep = await berth.api('POST', `/api/v1/apps/${app}/deploys`, { image: tag });
    assert.match((await berth.api('GET', `/api/v1/apps/${app}/builds/${dep.json.build.id}/log?follow=1`)).text, /@@berth-status succeeded/);
    const scaled = await berth.api('POST', `/api/v1/apps/${app}/ps/scale`, { scale: { web: 4 } });
    assert.match((await berth.api('GET', `/api/v1/apps/${app}/builds/${scaled.json.build.id}/log?follow=1`)).text, /@@berth-status succeeded/);

    const report = (await berth.api('GET', `/api/v1/apps/${app}/scheduler`)).json.scheduler;
    assert.equal(report.scheduler, 'swarm', 'BERTH_SCHEDULER=swarm is the default');
    const addresses: string[] = report.status.processes[0].instances.map((i: { address: string }) => i.address);
    assert.equal(addresses.length, 4);
    const hosts = new Set(addresses.map((a) => a.split(':')[0]));
    assert.deepEqual([...hosts].sort(), [node2!.hostAddr, node2!.nsAddr].sort(), `tasks on both nodes: ${addresses.join(', ')}`);
    for (const a of addresses) {
      const res = await fetch(`http://${a}/`);
      assert.equal((await res.text()).trim(), 'two-nodes', `task at ${a} answers`);
    }
    for (let i = 0; i < 8; i++) assert.equal((await berth.viaRouter(host)).text.trim(), 'two-nodes');
  });

  it('placement by node label moves every replica to the labelled node', async () => {
    const worker = ((await berth.api('GET', '/api/v1/nodes')).json.nodes as { id: string; role: string }[]).find((n) => n.role === 'worker')!;
    assert.equal(berth.cli(['nodes:label', worker.id, 'zone=b']).code, 0);
    const placed = berth.cli(['ps:set', app, 'placement', 'node.labels.zone==b']);
    assert.equal(placed.code, 0, placed.stderr + placed.stdout);
    const report = (await berth.api('GET', `/api/v1/apps/${app}/scheduler`)).json.scheduler;
    const addresses: string[] = report.status.processes[0].instances.map((i: { address: string }) => i.address);
    assert.equal(addresses.length, 4);
    assert.ok(addresses.every((a) => a.startsWith(`${node2!.nsAddr}:`)), addresses.join(', '));
    assert.equal((await berth.viaRouter(host)).text.trim(), 'two-nodes');
  });
});
