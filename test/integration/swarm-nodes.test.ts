import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ownImageLabel } from '../support/app-images';
import { uniqueName, type BerthProcess } from '../support/berth-process';
import { describeLoad, steadyLoad } from '../support/load';
import type { NetnsDocker } from '../support/netns-docker';
import { waitFor } from '../support/poll';
import { requireBerthStack } from '../support/requirements';
import { startTwoNodeSwarm, type SwarmCluster } from '../support/swarm-cluster';
import { request } from './router-support';

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What berth's router sends the app's requests to: its upstream servers, with their passive health checks. */
async function upstreamsOf(berth: BerthProcess, app: string): Promise<string[]> {
  const config = (await berth.api('GET', `/api/v1/apps/${app}/nginx/config`)).json.config as string | null;
  return [...(config ?? '').matchAll(/^ {2}server (\S+) max_fails=1 fail_timeout=5s;$/gm)].map((m) => m[1]).sort();
}

/** The app's running web tasks as swarm reports them through berth: `<address>` per task. */
async function runningWeb(berth: BerthProcess, app: string): Promise<string[]> {
  const report = (await berth.api('GET', `/api/v1/apps/${app}/scheduler`)).json.scheduler;
  const web = report.status.processes.find((p: { type: string }) => p.type === 'web');
  return (web?.instances ?? []).filter((i: { state: string }) => i.state === 'running').map((i: { address: string }) => i.address).sort();
}

/**
 * A two-node swarm on one machine: this engine is the manager, advertising the host side of a veth
 * pair; a second dockerd in a network namespace (own data-root, own address) joins as a worker.
 * berth (BERTH_SCHEDULER=swarm) spreads an app's replicas over both and routes to both. Then the
 * worker's engine is stopped under load (issue 24): the app keeps answering, berth's swarm watch
 * (not the reconciler, whose interval is an hour here) moves the routes to the rescheduled tasks,
 * an app pinned to the lost node is reported down with what to do; the node comes back and
 * `ps:rebalance` spreads the replicas again; `nodes:drain` / `nodes:remove` move work off first.
 */
describe('swarm scheduler on two nodes (a second dockerd in a network namespace)', function () {
  this.timeout(600_000);
  let cluster: SwarmCluster | null = null;
  let berth: BerthProcess;
  let node2: NetnsDocker;
  const app = uniqueName('swnodes');
  const pinned = uniqueName('swpin');
  const dev = uniqueName('swdev');
  let devToken = '';
  const redisPort = Number(new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379').port || 6379);
  const tag = `berth-test/${app}:1`;
  const host = `${app}.localhost`;
  const deploy = async (name: string, scale: number) => {
    const dep = await berth.api('POST', `/api/v1/apps/${name}/deploys`, { image: `berth-test/${name}:1` });
    assert.match((await berth.api('GET', `/api/v1/apps/${name}/builds/${dep.json.build.id}/log?follow=1`)).text, /@@berth-status succeeded/);
    const scaled = await berth.api('POST', `/api/v1/apps/${name}/ps/scale`, { scale: { web: scale } });
    assert.match((await berth.api('GET', `/api/v1/apps/${name}/builds/${scaled.json.build.id}/log?follow=1`)).text, /@@berth-status succeeded/);
  };
  const follow = async (name: string, queued: { json: { build: { id: number } } }) =>
    (await berth.api('GET', `/api/v1/apps/${name}/builds/${queued.json.build.id}/log?follow=1`)).text;

  before(async function () {
    requireBerthStack();
    // An hour between reconcile passes: after the first one, only the swarm watch re-routes on a node change.
    // The router agents reach berth's Redis on the host side of node2's veth (forwarded to loopback below), as another node would.
    cluster = await startTwoNodeSwarm(this, {
      env: { BERTH_SCHEDULER: 'swarm', BERTH_RECONCILE_INTERVAL: '3600', BERTH_ROUTER_FEED: 'true' },
      envFor: (n2) => ({ BERTH_ROUTER_REDIS_URL: `redis://${n2.hostAddr}:${redisPort}` }),
      ownImages: [tag, `berth-test/${pinned}:1`, `berth/${app}:`, `berth/${pinned}:`] });
    ({ berth } = cluster);
    node2 = cluster.node2!;
    node2.forwardLoopback(redisPort);
    // Each task says at start which container it is (its hostname), so a log line names its task.
    // Each app its own image (berth refuses an image another app deployed).
    for (const t of [tag, `berth-test/${pinned}:1`]) {
      const built = spawnSync('docker', ['build', '-q', '-t', t, '-'], {
        input: `FROM berth/busybox:latest\n${ownImageLabel(t)}RUN mkdir -p /www && echo two-nodes > /www/index.html\nEXPOSE 8000\n`
          + 'CMD ["sh", "-c", "echo started in $(hostname); exec httpd -f -p 8000 -h /www"]\n',
        encoding: 'utf8',
      });
      assert.equal(built.status, 0, built.stderr);
    }
    const add = berth.cli(['users:add', dev, '--role', 'developer', '--password'], { input: 'a developer password\n' });
    assert.equal(add.code, 0, add.stderr);
    devToken = add.stdout.trim().split('\n').pop()!;
  });

  after(async () => {
    // Not an app's service (no berth.scope label): the cluster's teardown would leave it.
    if (docker('service', 'inspect', 'berth-router').status === 0) docker('service', 'rm', 'berth-router');
    await cluster?.destroy();
  });

  it('lists both nodes, spreads 4 replicas over them and routes to tasks on both', async () => {
    const nodes = (await berth.api('GET', '/api/v1/nodes')).json.nodes as { id: string; addr: string; role: string; status: string }[];
    assert.deepEqual(nodes.map((n) => `${n.role} ${n.status} ${n.addr}`).sort(), [`manager ready ${node2.hostAddr}`, `worker ready ${node2.nsAddr}`]);

    await berth.api('POST', '/api/v1/apps', { name: app });
    await deploy(app, 4);

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

  it('router:deploy runs the berth-router service: node2 labelled berth.router=true gets the agent task from the swarm, the app answers through its nginx, a domain change reaches it, router:report shows it current; developers are refused', async () => {
    const node2Id = docker('node', 'ls', '--filter', `name=${node2.hostname}`, '--format', '{{.ID}}').stdout.trim();
    // A developer may neither start nor stop routers (they serve every app; the service holds the Redis password).
    for (const path of ['/api/v1/routers/deploy', '/api/v1/routers/remove']) {
      const refused = await berth.api('POST', path, {}, devToken);
      assert.deepEqual([refused.status, refused.json.error.code], [403, 'FORBIDDEN'], `${path}: ${refused.text}`);
    }
    assert.equal(docker('service', 'inspect', 'berth-router').status, 1, 'the refused deploy made no service');
    const deployed = berth.cli(['router:deploy']);
    assert.equal(deployed.code, 0, deployed.stderr + deployed.stdout);
    assert.match(deployed.stdout, /^-----> berth-router runs a router agent on every node labelled berth\.router=true but this one/m);
    assert.doesNotMatch(deployed.stdout + deployed.stderr, new RegExp(`:${redisPort}|redis://`), 'the Redis URL is not printed');
    assert.ok(deployed.stdout.includes('       No node is labelled yet: `berth nodes:label <node> berth.router=true` on each node with a public address starts its agent'), deployed.stdout);
    const running = () => docker('service', 'ps', '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}', 'berth-router').stdout.trim();
    assert.equal(running(), '', 'no node is labelled yet: no agent (the manager, berth\'s host, never gets one)');
    // Labelled after the deploy: swarm starts the agent there by itself. node2 stays a worker: the
    // lost-node test below stops its engine, which a two-manager swarm would not survive (quorum).
    assert.equal(berth.cli(['nodes:label', node2.hostname, 'berth.router=true']).code, 0);
    const through2 = async (h: string) => {
      const res = await request({ address: node2.nsAddr, port: berth.routerPort, host: h }).catch((e: Error) => ({ status: 0, text: e.message }));
      return `${res.status} ${res.text.trim()}`;
    };
    // Through node2's address (what DNS would point at), to tasks on both nodes: the image is pulled from berth's registry first.
    await waitFor(`node2's router serving ${app}`, async () => (await through2(host)) === '200 two-nodes', 180_000)
      .catch(async (e: Error) => { throw new Error(`${e.message}; it answers ${await through2(host)}; tasks: ${docker('service', 'ps', '--no-trunc', 'berth-router').stdout}`); });
    // One task, on node2 only (the manager, berth's host, is not labelled and has berth's nginx).
    const tasks = running().split('\n');
    assert.equal(tasks.length, 1, tasks.join('\n'));
    assert.match(tasks[0], new RegExp(`^${node2.hostname} Running `));
    const spec = JSON.parse(docker('service', 'inspect', 'berth-router').stdout)[0].Spec;
    assert.ok('Global' in spec.Mode, 'a global service');
    assert.equal(spec.TaskTemplate.RestartPolicy.Condition, 'any');
    assert.equal((await berth.viaRouter(host)).text.trim(), 'two-nodes');
    const domain = `${app}.shop.test`;
    const added = await berth.api('PATCH', `/api/v1/apps/${app}/domains`, { add: [domain] });
    assert.equal(added.status, 200, added.text);
    assert.equal((await berth.viaRouter(domain)).text.trim(), 'two-nodes');
    await waitFor('the domain on node2\'s router', async () => (await through2(domain)) === '200 two-nodes', 30_000);
    // Named after its node, with the node's id and address (swarm's templates; the agent has no Docker socket).
    const name = node2.hostname.replace(/\./g, '\\.');
    let lastReport = '';
    const report = await waitFor('router:report naming node2 current', async () => {
      const r = berth.cli(['router:report']);
      lastReport = r.stdout + r.stderr;
      return r.code === 0 && new RegExp(`^${name}\\s+${node2Id.slice(0, 12)}\\s+${node2.nsAddr.replace(/\./g, '\\.')}\\s+\\d+\\s+current\\s`, 'm').test(r.stdout) ? r.stdout : '';
    }, 15_000).catch((e: Error) => { throw new Error(`${e.message}: ${lastReport}`); });
    const version = Number(/^Route version: (\d+)/.exec(report)![1]);
    assert.match(report, new RegExp(`^${name}\\s+\\S+\\s+\\S+\\s+${version}\\s+current\\s`, 'm'), report);
    const nodes = berth.cli(['nodes']).stdout;
    assert.match(nodes, new RegExp(`^${node2Id.slice(0, 12)}\\s+${name}\\s+worker\\s.*\\s${name} v${version} current$`, 'm'), nodes);
    // A developer sees no router (it names every app): refused.
    assert.equal((await fetch(`${berth.url}/api/v1/routers`, { headers: { authorization: `Bearer ${devToken}` } })).status, 403);

    // The label taken off: swarm stops that node's agent (the service stays).
    assert.equal(berth.cli(['nodes:label', node2.hostname, 'berth.router=']).code, 0);
    await waitFor('node2\'s router stopped once unlabelled', async () => (await through2(host)).startsWith('0 '), 30_000);
    assert.equal(running(), '');
    assert.equal(berth.cli(['nodes:label', node2.hostname, 'berth.router=true']).code, 0);
    await waitFor('node2\'s router back once labelled again', async () => (await through2(host)) === '200 two-nodes', 60_000);
    const removed = berth.cli(['router:remove']);
    assert.equal(removed.code, 0, removed.stderr + removed.stdout);
    assert.equal(removed.stdout.trim(), '-----> berth-router removed: swarm stops its router agents');
    assert.equal(docker('service', 'inspect', 'berth-router').status, 1);
    await waitFor('node2\'s router stopped', async () => (await through2(host)).startsWith('0 '), 30_000);
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

  it('nodes:add prints what a node needs and the join command with the token; a developer may not add, drain or remove nodes', async () => {
    const token = docker('swarm', 'join-token', '-q', 'worker').stdout.trim();
    const out = berth.cli(['nodes:add']);
    assert.equal(out.code, 0, out.stderr);
    assert.ok(out.stdout.includes(`docker swarm join --token ${token} ${node2.hostAddr}:2377`), out.stdout);
    const registry = `127.0.0.1:${cluster!.registryPort}`;
    assert.ok(out.stdout.includes(`to /etc/docker/certs.d/${registry}/ca.crt there`), out.stdout);
    assert.match(out.stdout, /Install Docker Engine/);
    const manager = berth.cli(['nodes:add', '--manager', '--json']);
    assert.equal(JSON.parse(manager.stdout).node.joinCommand, `docker swarm join --token ${docker('swarm', 'join-token', '-q', 'manager').stdout.trim()} ${node2.hostAddr}:2377`);
    for (const [path, what] of [['/api/v1/nodes/add', 'add'], [`/api/v1/nodes/${node2.hostname}/drain`, 'drain'], [`/api/v1/nodes/${node2.hostname}/remove`, 'remove']]) {
      const refused = await berth.api('POST', path, {}, devToken);
      assert.deepEqual([refused.status, refused.json.error.code], [403, 'FORBIDDEN'], `${what}: ${refused.text}`);
    }
    const workerState = ((await berth.api('GET', '/api/v1/nodes')).json.nodes as { role: string; availability: string }[]).find((n) => n.role === 'worker')!;
    assert.equal(workerState.availability, 'active', 'the refused drain changed nothing');
  });

  it('placement by node label moves every replica of a deployed app to the labelled node', async () => {
    const worker = ((await berth.api('GET', '/api/v1/nodes')).json.nodes as { id: string; role: string }[]).find((n) => n.role === 'worker')!;
    assert.equal(berth.cli(['nodes:label', worker.id, 'zone=b']).code, 0);
    await berth.api('POST', '/api/v1/apps', { name: pinned });
    await deploy(pinned, 2);
    const placed = berth.cli(['ps:set', pinned, 'placement', 'node.labels.zone==b']);
    assert.equal(placed.code, 0, placed.stderr + placed.stdout);
    const addresses = await runningWeb(berth, pinned);
    assert.equal(addresses.length, 2);
    assert.ok(addresses.every((a) => a.startsWith(`${node2.nsAddr}:`)), addresses.join(', '));
    assert.equal((await berth.viaRouter(`${pinned}.localhost`)).text.trim(), 'two-nodes');
  });

  it('the worker\'s engine stops under load: none failed in the 30 s after (≤ 1 % asked), routes move to the rescheduled tasks, 0 failed after; a pinned app is reported down with what to do', async () => {
    const before = await upstreamsOf(berth, app);
    assert.deepEqual(before, await runningWeb(berth, app), 'the router sends to the 4 tasks');
    assert.ok(before.some((a) => a.startsWith(`${node2.nsAddr}:`)), `some upstreams on node2: ${before.join(', ')}`);

    const window = await steadyLoad({ port: berth.routerPort, host, rps: 20, maxSeconds: 30 });
    await node2.stopEngine();
    const during = await window.finished();
    console.log(`      the 30 s after node2's engine stopped: ${describeLoad(during).split('\n')[0]}`);
    assert.ok(during.sent >= 500, describeLoad(during));
    // The issue's bound is 1 %; a refused connection is passed to another task (proxy_next_upstream),
    // so none fails here (without it: 3 of 573 failed, before berth re-routed).
    assert.equal(during.failed, 0, `failed in the 30 s after node2's engine stopped: ${describeLoad(during)}`);

    // Rescheduled: 4 web tasks on the manager, and the router sends to exactly those (node2's are gone from it).
    await waitFor('4 web tasks on the manager, the router on them alone', async () => {
      const running = await runningWeb(berth, app);
      return running.length === 4 && running.every((a) => a.startsWith(`${node2.hostAddr}:`))
        && JSON.stringify(await upstreamsOf(berth, app)) === JSON.stringify(running);
    }, 90_000);
    const steady = await steadyLoad({ port: berth.routerPort, host, rps: 20, maxSeconds: 10 });
    const after = await steady.finished();
    assert.ok(after.sent >= 150, describeLoad(after));
    assert.equal(after.failed, 0, `after the reschedule: ${describeLoad(after)}`);

    // The app pinned to node2 cannot run anywhere: reported down, with the node and what to do.
    const problem: string = await waitFor('the pinned app reported down', async () => {
      const report = (await berth.api('GET', `/api/v1/apps/${pinned}/ps`)).json.report;
      return report.processes.find((p: { type: string }) => p.type === 'web')?.problem as string | undefined;
    }, 60_000) as string;
    assert.match(problem, /^web is down: 0 of 2 tasks run, swarm cannot place /);
    assert.ok(problem.includes(`its placement (node.labels.zone==b) allows no node that is up; down: ${node2.hostname}. Bring the node back, or run them elsewhere: \`berth ps:set ${pinned} placement none\`.`), problem);
    const cli = berth.cli(['ps:report', pinned]);
    assert.ok(cli.stdout.includes(`Down: ${problem}`), cli.stdout);
    const events = (await berth.api('GET', '/api/v1/events?limit=200')).json.events as { app: string | null; kind: string; message: string }[];
    assert.ok(events.some((e) => e.app === null && e.kind === 'swarm.changed' && e.message.startsWith(`node ${node2.hostname} (worker, ${node2.nsAddr}) is down: swarm runs its tasks on the other nodes`)),
      events.map((e) => e.message).join('\n'));
    await waitFor('the pinned app\'s event', async () => ((await berth.api('GET', `/api/v1/events?app=${pinned}&limit=50`)).json.events as { kind: string; message: string }[])
      .some((e) => e.kind === 'swarm.changed' && e.message.startsWith('web is down: 0 of 2 tasks run')), 30_000);
  });

  it('the node comes back: the pinned app runs again on it, and ps:rebalance spreads the other app over both nodes', async () => {
    await node2.startEngine();
    await waitFor('node2 ready again', async () => ((await berth.api('GET', '/api/v1/nodes')).json.nodes as { status: string }[]).every((n) => n.status === 'ready'), 60_000);
    await waitFor('the pinned app running on node2 and routed to', async () => {
      const running = await runningWeb(berth, pinned);
      return running.length === 2 && running.every((a) => a.startsWith(`${node2.nsAddr}:`)) && JSON.stringify(await upstreamsOf(berth, pinned)) === JSON.stringify(running);
    }, 90_000);
    assert.ok((await runningWeb(berth, app)).every((a) => a.startsWith(`${node2.hostAddr}:`)), 'swarm leaves running tasks where they are');

    const developerOther = await berth.api('POST', `/api/v1/apps/${app}/ps/rebalance`, {}, devToken);
    assert.deepEqual([developerOther.status, developerOther.json.error.code], [403, 'FORBIDDEN'], 'a developer rebalances only apps they collaborate on');
    const out = berth.cli(['ps:rebalance', app]);
    assert.equal(out.code, 0, out.stderr + out.stdout);
    const running = await runningWeb(berth, app);
    assert.equal(running.length, 4);
    const onNode2 = running.filter((a) => a.startsWith(`${node2.nsAddr}:`)).length;
    assert.equal(onNode2, 2, `2 of 4 replicas on each node: ${running.join(', ')}`);
    assert.deepEqual(await upstreamsOf(berth, app), running);
    assert.equal((await berth.viaRouter(host)).text.trim(), 'two-nodes');
  });

  it('nodes:drain refuses while an app is pinned to the node, then moves work off with progress; nodes:remove removes the drained node', async () => {
    const blocked = berth.cli(['nodes:drain', node2.hostname]);
    assert.equal(blocked.code, 1, blocked.stdout);
    assert.ok(blocked.stderr.includes(`${node2.hostname} was not drained: no other node that is up meets the placement of ${pinned} (node.labels.zone==b).`), blocked.stderr);
    const worker = () => ((berth.api('GET', '/api/v1/nodes')).then((r) => (r.json.nodes as { role: string; availability: string }[]).find((n) => n.role === 'worker')!));
    assert.equal((await worker()).availability, 'active', 'nothing was drained');
    assert.equal((await runningWeb(berth, pinned)).length, 2, 'the pinned app still runs');

    const manager = ((await berth.api('GET', '/api/v1/nodes')).json.nodes as { hostname: string; role: string }[]).find((n) => n.role === 'manager')!;
    const self = berth.cli(['nodes:remove', manager.hostname]);
    assert.equal(self.code, 1);
    assert.ok(self.stderr.includes(`${manager.hostname} is the manager berth runs on; it cannot be removed from its own swarm.`), self.stderr);

    const unpin = berth.cli(['ps:set', pinned, 'placement', 'none']);
    assert.equal(unpin.code, 0, unpin.stderr + unpin.stdout);
    const onNode2: string[] = [];
    for (const a of [app, pinned]) if ((await runningWeb(berth, a)).some((x) => x.startsWith(`${node2.nsAddr}:`))) onNode2.push(a);
    assert.ok(onNode2.includes(app), 'the rebalanced app has tasks on node2');
    const drained = berth.cli(['nodes:drain', node2.hostname]);
    assert.equal(drained.code, 0, drained.stderr + drained.stdout);
    assert.match(drained.stdout, new RegExp(`^-----> Draining ${node2.hostname}: swarm moves the tasks of ${onNode2.length} berth service${onNode2.length === 1 ? '' : 's'} to the other nodes$`, 'm'));
    assert.match(drained.stdout, new RegExp(`^ {7}${app}-web-[0-9a-f]{6}: 4 of 4 running on other nodes$`, 'm'));
    assert.match(drained.stdout, new RegExp(`^-----> ${node2.hostname} runs no berth task; it stays drained`, 'm'));
    assert.equal((await worker()).availability, 'drain');
    for (const a of [app, pinned]) {
      const running = await runningWeb(berth, a);
      assert.ok(running.every((x) => x.startsWith(`${node2.hostAddr}:`)), `${a}: ${running.join(', ')}`);
      assert.deepEqual(await upstreamsOf(berth, a), running, `${a} is routed to its moved tasks`);
      assert.equal((await berth.viaRouter(`${a}.localhost`)).text.trim(), 'two-nodes');
    }

    const removed = berth.cli(['nodes:remove', node2.hostname]);
    assert.equal(removed.code, 0, removed.stderr + removed.stdout);
    assert.match(removed.stdout, new RegExp(`^-----> Removing ${node2.hostname} from the swarm \\(it is still up: removed by force\\)$`, 'm'));
    assert.deepEqual(((await berth.api('GET', '/api/v1/nodes')).json.nodes as { role: string }[]).map((n) => n.role), ['manager']);
  });
});
