import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ownImageLabel } from '../support/app-images';
import { uniqueName, type BerthProcess } from '../support/berth-process';
import type { NetnsDocker } from '../support/netns-docker';
import { requireBerthStack } from '../support/requirements';
import { startTwoNodeSwarm, type SwarmCluster } from '../support/swarm-cluster';

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A two-node swarm on one machine: this engine is the manager, advertising the host side of a veth
 * pair; a second dockerd in a network namespace (own data-root, own address) joins as a worker.
 * berth (BERTH_SCHEDULER=swarm) spreads an app's replicas over both and routes to both.
 */
describe('swarm scheduler on two nodes (a second dockerd in a network namespace)', function () {
  this.timeout(600_000);
  let cluster: SwarmCluster | null = null;
  let berth: BerthProcess;
  let node2: NetnsDocker;
  const app = uniqueName('swnodes');
  const tag = `berth-test/${app}:1`;
  const host = `${app}.localhost`;

  before(async function () {
    requireBerthStack();
    cluster = await startTwoNodeSwarm(this, { env: { BERTH_SCHEDULER: 'swarm' }, ownImages: [tag, `berth/${app}:`] });
    ({ berth } = cluster);
    node2 = cluster.node2!;
    // Each task says at start which container it is (its hostname), so a log line names its task.
    const built = spawnSync('docker', ['build', '-q', '-t', tag, '-'], {
      input: `FROM berth/busybox:latest\n${ownImageLabel(tag)}RUN mkdir -p /www && echo two-nodes > /www/index.html\nEXPOSE 8000\n`
        + 'CMD ["sh", "-c", "echo started in $(hostname); exec httpd -f -p 8000 -h /www"]\n',
      encoding: 'utf8',
    });
    assert.equal(built.status, 0, built.stderr);
  });

  after(async () => { await cluster?.destroy(); });

  it('lists both nodes, spreads 4 replicas over them and routes to tasks on both', async () => {
    const nodes = (await berth.api('GET', '/api/v1/nodes')).json.nodes as { id: string; addr: string; role: string; status: string }[];
    assert.deepEqual(nodes.map((n) => `${n.role} ${n.status} ${n.addr}`).sort(), [`manager ready ${node2.hostAddr}`, `worker ready ${node2.nsAddr}`]);

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
    assert.deepEqual([...hosts].sort(), [node2.hostAddr, node2.nsAddr].sort(), `tasks on both nodes: ${addresses.join(', ')}`);
    for (const a of addresses) {
      const res = await fetch(`http://${a}/`);
      assert.equal((await res.text()).trim(), 'two-nodes', `task at ${a} answers`);
    }
    for (let i = 0; i < 8; i++) assert.equal((await berth.viaRouter(host)).text.trim(), 'two-nodes');
  });

  it('ps:report lists each task with its node and address, and berth logs shows the lines of the tasks on node2 tagged web.<n>', async () => {
    const nodes = (await berth.api('GET', '/api/v1/nodes')).json.nodes as { id: string; hostname: string; addr: string; role: string }[];
    const worker = nodes.find((n) => n.role === 'worker')!;
    assert.deepEqual([worker.hostname, worker.addr], [node2.hostname, node2.nsAddr], 'node2 joined under its own hostname');
    const report = (await berth.api('GET', `/api/v1/apps/${app}/ps`)).json.report;
    assert.equal(report.scheduler, 'swarm');
    assert.equal(report.status, 'running');
    const web = report.processes.find((p: { type: string }) => p.type === 'web');
    assert.deepEqual([web.desired, web.running, web.containers.length], [4, 4, 4]);
    // What swarm itself says of each task: the node it runs on and its container (whose hostname the task echoed).
    const tasks = (web.containers as { name: string; id: string; state: string; node: string; ip: string }[]).map((c) => {
      const [nodeId, container] = docker('inspect', '--type', 'task', '--format', '{{.NodeID}} {{.Status.ContainerStatus.ContainerID}}', c.id).stdout.trim().split(' ');
      const node = nodes.find((n) => n.id === nodeId);
      assert.ok(node && container, `task ${c.name} (${c.id}) is on a node of the swarm`);
      assert.equal(c.state, 'running');
      assert.equal(c.node, node.hostname, `${c.name}: the node swarm runs it on`);
      assert.match(c.ip, new RegExp(`^${node.addr.replace(/\./g, '\\.')}:\\d+$`), `${c.name}: an address on that node`);
      return { ...c, onNode2: node.id === worker.id, line: `${c.name} | started in ${container.slice(0, 12)}` };
    });
    const onNode2 = tasks.filter((t) => t.onNode2);
    assert.ok(onNode2.length > 0 && onNode2.length < 4, `replicas on both nodes: ${tasks.map((t) => `${t.name}@${t.ip}`).join(', ')}`);
    assert.equal(new Set(tasks.map((t) => t.name)).size, 4, 'four slots, web.1 to web.4');

    const cli = berth.cli(['ps:report', app]);
    assert.equal(cli.code, 0, cli.stderr);
    for (const t of onNode2) assert.match(cli.stdout, new RegExp(`${t.name.replace('.', '\\.')}\\s+running\\s+v\\d+\\s+${node2.hostname}\\s+${t.ip.replace(/\./g, '\\.')}`), cli.stdout);

    // The manager gathers the worker's task output: each task's start line, under its own tag.
    let out = '';
    for (let i = 0; i < 60 && !tasks.every((t) => out.split('\n').includes(t.line)); i++) {
      if (i > 0) await sleep(500);
      const logs = berth.cli(['logs', app, '-n', '500']);
      assert.equal(logs.code, 0, logs.stderr);
      out = logs.stdout;
    }
    for (const t of tasks) assert.ok(out.split('\n').includes(t.line), `berth logs shows "${t.line}" (${t.onNode2 ? 'node2' : 'manager'}):\n${out}`);
    const lines = out.split('\n').filter(Boolean);
    assert.ok(lines.every((l) => /^web\.[1-4] \| /.test(l)), `every line is tagged web.<slot>:\n${out}`);
    const node2Only = berth.cli(['logs', app, '--process', onNode2[0].name, '-n', '100']).stdout.split('\n').filter(Boolean);
    assert.ok(node2Only.includes(onNode2[0].line) && node2Only.every((l) => l.startsWith(`${onNode2[0].name} | `)), node2Only.join('\n'));
  });

  it('placement by node label moves every replica to the labelled node', async () => {
    const worker = ((await berth.api('GET', '/api/v1/nodes')).json.nodes as { id: string; role: string }[]).find((n) => n.role === 'worker')!;
    assert.equal(berth.cli(['nodes:label', worker.id, 'zone=b']).code, 0);
    const placed = berth.cli(['ps:set', app, 'placement', 'node.labels.zone==b']);
    assert.equal(placed.code, 0, placed.stderr + placed.stdout);
    const report = (await berth.api('GET', `/api/v1/apps/${app}/scheduler`)).json.scheduler;
    const addresses: string[] = report.status.processes[0].instances.map((i: { address: string }) => i.address);
    assert.equal(addresses.length, 4);
    assert.ok(addresses.every((a) => a.startsWith(`${node2.nsAddr}:`)), addresses.join(', '));
    assert.equal((await berth.viaRouter(host)).text.trim(), 'two-nodes');
  });
});
