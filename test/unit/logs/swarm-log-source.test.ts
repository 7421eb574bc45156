import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogArchive, LogsService } from '../../../app/logs';
import type { ContainerEngine } from '../../../app/ports/container-engine';
import type { ServiceLogOptions, SwarmEngine, SwarmServiceInfo, SwarmTask } from '../../../app/ports/swarm';

const service = (id: string, process: string, release: number): SwarmServiceInfo => ({
  id, name: `app-${process}-${id}`, replicas: 2, image: 'x', updateState: null,
  labels: { 'berth.app': 'app', 'berth.process': process, 'berth.release': String(release), 'berth.scope': 'net-swarm' },
});
const task = (id: string, serviceId: string, slot: number): SwarmTask => ({
  id, serviceId, slot, nodeId: 'n1', state: 'running', desiredState: 'running', message: '', error: null, hostPorts: [], containerId: null,
});

/** A swarm with a web service (two tasks) and a worker service; lines as the manager's service logs give them. */
function fakeSwarm(): SwarmEngine {
  const services = [service('s1', 'web', 2), service('s2', 'worker', 2)];
  const tasks: Record<string, SwarmTask[]> = { 'app-web-s1': [task('t1', 's1', 1), task('t2', 's1', 2)], 'app-worker-s2': [task('t3', 's2', 1)] };
  const lines: Record<string, { at: string; taskId: string; text: string }[]> = {
    'app-web-s1': [
      { at: '2024-05-01T10:00:01.5Z', taskId: 't2', text: 'web two up' },
      { at: '2024-05-01T10:00:01Z', taskId: 't1', text: 'web one up' },
    ],
    'app-worker-s2': [{ at: '2024-05-01T10:00:02Z', taskId: 't3', text: 'tick' }],
  };
  return {
    listServices: async (labels: Readonly<Record<string, string>>) => (labels['berth.scope'] === 'net-swarm' ? services : []),
    tasks: async (name: string) => tasks[name] ?? [],
    streamServiceLogs: async (name: string, o: ServiceLogOptions) => { for (const l of lines[name] ?? []) o.onLine(l); },
  } as unknown as SwarmEngine;
}

describe('logs of swarm apps', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-swarm-logs-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const engine = { listContainers: async () => [] } as unknown as ContainerEngine;
  const logs = new LogsService({ engine, scope: 'net', archive: new LogArchive({ dir, maxBytes: 1_000_000 }), swarm: fakeSwarm() });

  it('tags each line <process>.<slot> and merges the services by time', async () => {
    const got = await logs.recent('app', { tail: 10 });
    assert.deepEqual(got.map((e) => `${e.tag} ${e.text} v${e.release}`), ['web.1 web one up v2', 'web.2 web two up v2', 'worker.1 tick v2']);
  });

  it('filters by process type, one slot, release and tail', async () => {
    assert.deepEqual((await logs.recent('app', { tail: 10, process: 'worker' })).map((e) => e.tag), ['worker.1']);
    assert.deepEqual((await logs.recent('app', { tail: 10, process: 'web.2' })).map((e) => e.text), ['web two up']);
    assert.deepEqual(await logs.recent('app', { tail: 10, release: 1 }), []);
    assert.deepEqual((await logs.recent('app', { tail: 1 })).map((e) => e.text), ['tick']);
  });

  it('archives a service\'s output before it is removed', async () => {
    await logs.archiveService(service('s2', 'worker', 2));
    const archived = new LogArchive({ dir, maxBytes: 1_000_000 }).read('app');
    assert.deepEqual(archived.map((e) => `${e.tag} ${e.text}`), ['worker.1 tick']);
    // Listed and archived at once (removal is a moment later): shown once.
    assert.equal((await logs.recent('app', { tail: 10 })).filter((e) => e.text === 'tick').length, 1);
  });
});
