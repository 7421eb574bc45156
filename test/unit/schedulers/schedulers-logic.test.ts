import assert from 'node:assert/strict';
import { parseNodeLabels, parsePlacement, serviceName } from '../../../app/schedulers';
import { addressesOf } from '../../../app/schedulers/swarm-tasks';
import { serviceSpec } from '../../../app/infra/docker/swarm-services';
import type { SwarmTask } from '../../../app/ports/swarm';

describe('schedulers logic', () => {
  it('parses placement constraints and refuses anything else', () => {
    assert.deepEqual(parsePlacement(['node.labels.zone==a']), ['node.labels.zone==a']);
    assert.deepEqual(parsePlacement(['node.labels.zone == a,node.role!=manager']), ['node.labels.zone==a', 'node.role!=manager']);
    assert.deepEqual(parsePlacement(['none']), []);
    for (const bad of ['zone=a', 'node.labels.zone==a;rm -rf /', 'node.labels.zone=a', 'engine.labels.x==y', '']) {
      assert.throws(() => parsePlacement([bad]), (e: { code?: string }) => e.code === 'INVALID_PLACEMENT', bad);
    }
  });

  it('parses node labels (key= removes one)', () => {
    assert.deepEqual(parseNodeLabels(['zone=a', 'disk=']), { zone: 'a', disk: null });
    assert.throws(() => parseNodeLabels(['zone']), (e: { code?: string }) => e.code === 'INVALID_NODE_LABEL');
    assert.throws(() => parseNodeLabels(['zo ne=a']), (e: { code?: string }) => e.code === 'INVALID_NODE_LABEL');
  });

  it('names services within 63 characters', () => {
    assert.equal(serviceName('app', 'web', 'abc123'), 'app-web-abc123');
    assert.ok(serviceName('a'.repeat(63), 'worker', 'abc123').length <= 63);
  });

  it('builds a service spec: host-mode ports, start-first updates with rollback, limits, placement', () => {
    const spec = serviceSpec({
      name: 's', image: '127.0.0.1:5100/berth/app:v2', command: 'run web', env: { PORT: '5000' }, labels: { 'berth.app': 'app' },
      replicas: 3, publishPort: 5000, restartPolicy: 'on-failure:4', memoryMb: 256, cpus: 0.5, constraints: ['node.labels.zone==a'],
    }) as any;
    assert.deepEqual(spec.EndpointSpec.Ports, [{ Protocol: 'tcp', TargetPort: 5000, PublishMode: 'host' }]);
    assert.equal(spec.UpdateConfig.Order, 'start-first');
    assert.equal(spec.UpdateConfig.FailureAction, 'rollback');
    assert.deepEqual(spec.TaskTemplate.ContainerSpec.Command, ['/bin/sh', '-c', 'run web']);
    assert.deepEqual(spec.TaskTemplate.ContainerSpec.Env, ['PORT=5000']);
    assert.deepEqual(spec.TaskTemplate.Resources.Limits, { MemoryBytes: 256 * 1024 * 1024, NanoCPUs: 500_000_000 });
    assert.deepEqual(spec.TaskTemplate.RestartPolicy, { Condition: 'on-failure', MaxAttempts: 4, Delay: 1_000_000_000 });
    assert.deepEqual(spec.TaskTemplate.Placement.Constraints, ['node.labels.zone==a']);
    assert.equal(spec.Mode.Replicated.Replicas, 3);
    assert.equal((serviceSpec({ name: 'w', image: 'i', env: {}, labels: {}, replicas: 1, publishPort: null, restartPolicy: 'no', constraints: [] }) as any)
      .TaskTemplate.RestartPolicy.Condition, 'none');
  });

  it('routes to each task at its node address and host port, in a stable order', () => {
    const task = (nodeId: string, port: number): SwarmTask => ({
      id: `t${port}`, serviceId: 's', slot: 1, nodeId, state: 'running', desiredState: 'running', message: '', error: null, hostPorts: [port], containerId: null,
    });
    const nodes = [
      { id: 'n1', hostname: 'a', role: 'manager', status: 'ready', availability: 'active', addr: '0.0.0.0', leader: true, labels: {} },
      { id: 'n2', hostname: 'b', role: 'worker', status: 'ready', availability: 'active', addr: '10.0.0.2', leader: false, labels: {} },
    ];
    assert.deepEqual(addressesOf([task('n2', 31000), task('n1', 32001), task('n1', 32000)], nodes), [
      { host: '10.0.0.2', port: 31000 }, { host: '127.0.0.1', port: 32000 }, { host: '127.0.0.1', port: 32001 },
    ]);
  });
});
