import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { ROOT, uniqueName, type BerthProcess } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import type { NetnsDocker } from '../support/netns-docker';
import { requireBerthStack } from '../support/requirements';
import { startTwoNodeSwarm, type SwarmCluster } from '../support/swarm-cluster';
import { ensureServiceImage, exportToFile, importFromFile, removeServiceLeftovers, rows, write } from './services-support';

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });

/**
 * Services on swarm, on two nodes (this engine, manager; a second dockerd in a network namespace,
 * worker): a redis placed by node label runs on the worker with its volume there, a swarm app
 * reaches it over REDIS_URL (<worker address>:<fixed port>), and a restart keeps data and node.
 */
describe('service plugins on swarm (two nodes)', function () {
  this.timeout(900_000);
  let cluster: SwarmCluster | null = null;
  let berth: BerthProcess;
  let node2: NetnsDocker;
  let wt: WorkTree | null = null;
  let worker: { id: string; hostname: string } | null = null;
  const app = uniqueName('swsvc');
  const redis = uniqueName('rd');
  const local = uniqueName('rdl');
  const pinned = uniqueName('rdp');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-swsvc-'));
  const ok = (r: { code: number; stdout: string; stderr: string }) => assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const info = (name: string) => JSON.parse(berth.cli(['redis:info', name, '--json']).stdout).service as {
    status: string; scheduler: string; placement: string[]; node: string | null; nodeId: string | null; address: string; url: string;
  };
  /** The node swarm runs the service's live task on. */
  const taskNode = () => {
    const id = docker('service', 'ps', '-q', `berth-svc-redis-${redis}`, '--filter', 'desired-state=running').stdout.trim();
    return docker('inspect', '-f', '{{.NodeID}}', id).stdout.trim();
  };

  before(async function () {
    requireBerthStack();
    ensureServiceImage(path.join(ROOT, 'plugins', 'redis'));
    cluster = await startTwoNodeSwarm(this, { env: { BERTH_SCHEDULER: 'swarm' }, ownImages: [`berth/${app}:`] });
    ({ berth } = cluster);
    node2 = cluster.node2!;
    worker = ((await berth.api('GET', '/api/v1/nodes')).json.nodes as { id: string; hostname: string; role: string }[]).find((n) => n.role === 'worker')!;
    ok(berth.cli(['nodes:label', worker.id, 'db=here']));
  });

  after(async () => {
    wt?.remove();
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!cluster) return;
    await cluster.destroy();
    // Volumes (and any container) berth's services left on this engine.
    removeServiceLeftovers(cluster.berth);
    // Swarm makes a service's volume, unlabelled, where its task runs: by name (node2's went with node2).
    for (const name of [redis, pinned, local]) docker('volume', 'rm', '-f', `berth-svc-redis-${name}-data`);
  });

  it('refuses a placement that matches more than one node (the data would not stay put)', () => {
    const r = berth.cli(['redis:create', uniqueName('rdx'), '--scheduler', 'swarm', '--placement', 'node.labels.db!=nowhere']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /matches 2 nodes/);
  });

  it('redis:create --placement node.labels.db==here runs on the labelled node, with its volume there', async () => {
    ok(berth.cli(['redis:create', redis, '--scheduler', 'swarm', '--placement', 'node.labels.db==here']));
    const s = info(redis);
    assert.equal(s.scheduler, 'swarm');
    assert.deepEqual(s.placement, ['node.labels.db==here']);
    assert.equal(s.status, 'running');
    assert.equal(s.nodeId, worker!.id);
    assert.match(s.address, new RegExp(`^${node2.nsAddr.replace(/\./g, '\\.')}:\\d+$`));
    assert.ok(s.url.endsWith(`@${s.address}/0`), s.url);
    assert.equal(taskNode(), worker!.id, 'swarm says its task is on node2');
    assert.ok(node2.docker('volume', 'ls', '-q').stdout.split('\n').includes(`berth-svc-redis-${redis}-data`), 'the volume is on node2');
    assert.ok(!docker('volume', 'ls', '-q').stdout.split('\n').includes(`berth-svc-redis-${redis}-data`), 'and not on this engine');
    const text = berth.cli(['redis:info', redis]).stdout;
    assert.match(text, /Scheduler:\s+swarm/);
    assert.match(text, new RegExp(`Node:\\s+\\S+ \\(${worker!.id.slice(0, 12)}\\)`));
  });

  it('a swarm app on the manager writes and reads through REDIS_URL across nodes; a restart keeps data and node', async () => {
    ok(berth.cli(['apps:create', app]));
    // The app on the manager, the service on the worker: the URL must work across nodes.
    ok(berth.cli(['ps:set', app, 'placement', 'node.role==manager']));
    wt = WorkTree.fromFixture('service-client');
    const push = wt.push(berth.url, berth.token, app);
    assert.equal(push.code, 0, push.output);
    ok(berth.cli(['redis:link', redis, app]));
    const before = info(redis);
    assert.equal((await berth.viaRouter(`${app}.localhost`, '/env/REDIS_URL')).text, before.url);
    await write(berth, app, 'redis', 'one');
    await write(berth, app, 'redis', 'two');
    assert.deepEqual(await rows(berth, app, 'redis'), ['one', 'two']);

    const taskIds = () => docker('service', 'ps', '-q', `berth-svc-redis-${redis}`, '--filter', 'desired-state=running').stdout.trim();
    const oldTask = taskIds();
    assert.ok(oldTask, 'a live task before the restart');
    ok(berth.cli(['redis:restart', redis]));
    const newTask = taskIds();
    assert.ok(newTask && newTask !== oldTask, `restart replaced the task (${oldTask} -> ${newTask})`);
    const after = info(redis);
    assert.equal(after.nodeId, worker!.id);
    assert.equal(taskNode(), worker!.id);
    assert.ok(node2.docker('volume', 'ls', '-q').stdout.split('\n').includes(`berth-svc-redis-${redis}-data`), 'the volume is still on node2');
    assert.equal(after.address, before.address, 'same address and port after the restart');
    assert.deepEqual(await rows(berth, app, 'redis'), ['one', 'two']);

    // A docker-local app gets the same URL and reaches the task on node2 too.
    ok(berth.cli(['scheduler:set', app, 'docker-local']));
    assert.equal(docker('service', 'ls', '-q', '--filter', `label=berth.app=${app}`).stdout.trim(), '', 'the app left swarm');
    assert.equal((await berth.viaRouter(`${app}.localhost`, '/env/REDIS_URL')).text, after.url);
    await write(berth, app, 'redis', 'three');
    assert.deepEqual(await rows(berth, app, 'redis'), ['one', 'two', 'three']);

    // Export needs to run inside the task, which is on the other node: a clear error, not a hang.
    const exported = await berth.api('GET', `/api/v1/services/redis/${redis}/export`);
    assert.equal(exported.status, 422);
    assert.equal(exported.json.error.code, 'SERVICE_ON_REMOTE_NODE');

    ok(berth.cli(['redis:stop', redis]));
    assert.equal(info(redis).status, 'stopped');
    ok(berth.cli(['redis:start', redis]));
    assert.equal(info(redis).status, 'running');
    assert.deepEqual(await rows(berth, app, 'redis'), ['one', 'two', 'three']);
  });

  it('without --placement (BERTH_SCHEDULER=swarm) it is pinned to this node, where export and import work', async () => {
    ok(berth.cli(['redis:create', pinned]));
    const manager = ((await berth.api('GET', '/api/v1/nodes')).json.nodes as { id: string; role: string }[]).find((n) => n.role === 'manager')!;
    const s = info(pinned);
    assert.equal(s.scheduler, 'swarm');
    assert.deepEqual(s.placement, [`node.id==${manager.id}`]);
    assert.equal(s.nodeId, manager.id);
    assert.notEqual(s.address.split(':')[1], info(redis).address.split(':')[1], 'its own fixed port');
    assert.ok(docker('volume', 'ls', '-q').stdout.split('\n').includes(`berth-svc-redis-${pinned}-data`), 'the volume is on this engine');
    const file = path.join(tmp, 'pinned.rdb');
    const exported = exportToFile(berth, 'redis:export', pinned, file);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(fs.readFileSync(file).subarray(0, 5).toString(), 'REDIS', 'an RDB snapshot from the task container');
    const imported = importFromFile(berth, 'redis:import', pinned, file);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    assert.equal(info(pinned).status, 'running');
    // upgrade: the same image gives a new task; an image that is no redis fails and the old one runs again.
    const serviceImage = () => docker('service', 'inspect', '-f', '{{.Spec.TaskTemplate.ContainerSpec.Image}}', `berth-svc-redis-${pinned}`).stdout.trim();
    const liveTask = () => docker('service', 'ps', '-q', `berth-svc-redis-${pinned}`, '--filter', 'desired-state=running').stdout.trim();
    const task = liveTask();
    assert.ok(task, 'a live task before the upgrade');
    ok(berth.cli(['redis:upgrade', pinned]));
    const upgraded = liveTask();
    assert.ok(upgraded && upgraded !== task, `a new task (${task} -> ${upgraded})`);
    // Whether berth sees the failing tasks first or swarm's own rollback, the answer is one code.
    const bad = berth.cli(['redis:upgrade', pinned, '--image', 'berth/busybox:latest', '--json']);
    assert.equal(bad.code, 1, bad.stdout);
    assert.equal(JSON.parse(bad.stderr).error.code, 'SERVICE_NOT_READY', bad.stderr);
    assert.match(serviceImage(), /berth\/service-redis:7-bookworm/);
    assert.equal(info(pinned).status, 'running');
    assert.equal(exportToFile(berth, 'redis:export', pinned, file).code, 0, 'the old image serves again');
    ok(berth.cli(['redis:destroy', pinned, '--confirm', pinned, '--force']));
    assert.ok(!docker('volume', 'ls', '-q').stdout.split('\n').includes(`berth-svc-redis-${pinned}-data`), 'destroy --force removed the local volume');
  });

  it('--scheduler docker-local still makes a local container on the berth network', () => {
    ok(berth.cli(['redis:create', local, '--scheduler', 'docker-local']));
    const s = info(local);
    assert.equal(s.scheduler, 'docker-local');
    assert.equal(s.node, null);
    assert.equal(s.address, `berth-svc-redis-${local}:6379`);
    assert.equal(docker('inspect', '-f', '{{.State.Running}}', `berth-svc-redis-${local}`).stdout.trim(), 'true');
    ok(berth.cli(['redis:destroy', local, '--confirm', local, '--force']));
  });

  it('redis:destroy removes the swarm service and says the volume stays on the worker', async () => {
    ok(berth.cli(['redis:unlink', redis, app]));
    const r = berth.cli(['redis:destroy', redis, '--confirm', redis, '--force']);
    ok(r);
    assert.match(r.stdout, new RegExp(`stays on swarm node \\S+ \\(${worker!.id.slice(0, 12)}\\)`));
    assert.equal(docker('service', 'inspect', `berth-svc-redis-${redis}`).status, 1, 'the swarm service is gone');
  });
});
