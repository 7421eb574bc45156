import assert from 'node:assert/strict';
import net from 'node:net';
import { serviceSpec } from '../../../app/infra/docker/swarm-services';
import type { SwarmNode } from '../../../app/ports/swarm';
import { nodesMatching, pickPort, SWARM_SERVICE_PORTS } from '../../../app/services-kit/swarm-placement';

const node = (id: string, role: string, labels: Record<string, string> = {}): SwarmNode => ({
  id, hostname: `h-${id}`, role, status: 'ready', availability: 'active', addr: `10.0.0.${id.length}`, leader: role === 'manager', labels,
});

describe('services on swarm: placement and spec', () => {
  const nodes = [node('m1', 'manager'), node('w1', 'worker', { db: 'a' }), node('w22', 'worker', { db: 'b' })];

  it('finds the nodes a placement allows (a service must match exactly one)', () => {
    assert.deepEqual(nodesMatching(nodes, ['node.labels.db==a']).map((n) => n.id), ['w1']);
    assert.deepEqual(nodesMatching(nodes, ['node.role==worker']).map((n) => n.id), ['w1', 'w22']);
    assert.deepEqual(nodesMatching(nodes, ['node.role==worker', 'node.labels.db!=a']).map((n) => n.id), ['w22']);
    assert.deepEqual(nodesMatching(nodes, ['node.id==m1']).map((n) => n.id), ['m1']);
    assert.deepEqual(nodesMatching(nodes, ['node.hostname==h-w22']).map((n) => n.id), ['w22']);
    assert.deepEqual(nodesMatching(nodes, ['node.labels.db==c']), []);
    // A label a node lacks is "not equal" to any value, as swarm reads it.
    assert.deepEqual(nodesMatching(nodes, ['node.labels.db!=a']).map((n) => n.id), ['m1', 'w22']);
  });

  it('a fixed published port is published in host mode and updates stop the old task first', () => {
    const base = { name: 's', image: 'i', env: {}, labels: {}, replicas: 1, restartPolicy: 'always', constraints: ['node.id==m1'] } as const;
    const fixed = serviceSpec({ ...base, publishPort: 6379, publishedPort: 30111 }) as any;
    assert.deepEqual(fixed.EndpointSpec.Ports, [{ Protocol: 'tcp', TargetPort: 6379, PublishMode: 'host', PublishedPort: 30111 }]);
    assert.equal(fixed.UpdateConfig.Order, 'stop-first');
    assert.equal(fixed.RollbackConfig.Order, 'stop-first');
    const picked = serviceSpec({ ...base, publishPort: 5000 }) as any;
    assert.deepEqual(picked.EndpointSpec.Ports, [{ Protocol: 'tcp', TargetPort: 5000, PublishMode: 'host' }]);
    assert.equal(picked.UpdateConfig.Order, 'start-first');
  });

  it('picks a port no service holds and this host does not use', async () => {
    const first = SWARM_SERVICE_PORTS.from;
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(first + 1, '0.0.0.0', () => r()));
    try {
      assert.equal(await pickPort([first]), first + 2, 'skips the taken port and the one in use here');
    } finally {
      busy.close();
    }
  });
});
