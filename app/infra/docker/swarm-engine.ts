import { dockerOf, type DockerAccess } from './docker-client';
import type { SwarmEngine } from '../../ports/swarm';
import { guarded } from './docker-errors';
import type { ContainerLimits } from './hardening';
import { streamServiceLogs } from './swarm-logs';
import { findSwarmNode, initSwarm, labelNode, listNodes, removeNode, setNodeAvailability, swarmJoinInfo, swarmStatus } from './swarm-nodes';
import { listServices, nodeTasks, removeService, restartService, scaleService, serviceLogs, serviceTasks, upsertService, type AuthFor } from './swarm-services';

/** The SwarmEngine port over dockerode: the same Engine API, its services/tasks/nodes endpoints. */
export function createSwarmEngine(options: { limits?: ContainerLimits; authFor?: AuthFor } & DockerAccess): SwarmEngine {
  const docker = dockerOf(options);
  return {
    status: guarded(() => swarmStatus(docker)),
    init: guarded((o: { advertiseAddr?: string }) => initSwarm(docker, o.advertiseAddr)),
    joinInfo: guarded(() => swarmJoinInfo(docker)),
    upsertService: guarded((s) => upsertService(docker, s, options.limits, options.authFor)),
    scaleService: guarded((name: string, replicas: number) => scaleService(docker, name, replicas, options.authFor)),
    restartService: guarded((name: string) => restartService(docker, name, options.authFor)),
    listServices: guarded((labels) => listServices(docker, labels)),
    removeService: guarded((name: string) => removeService(docker, name)),
    tasks: guarded((service: string) => serviceTasks(docker, service)),
    serviceLogs: guarded((service: string, tail: number) => serviceLogs(docker, service, tail)),
    streamServiceLogs: guarded((service: string, o) => streamServiceLogs(docker, service, o)),
    nodes: guarded(() => listNodes(docker)),
    labelNode: guarded((node: string, labels) => labelNode(docker, node, labels)),
    findNode: guarded((node: string) => findSwarmNode(docker, node)),
    setNodeAvailability: guarded((node: string, availability: 'active' | 'pause' | 'drain') => setNodeAvailability(docker, node, availability)),
    removeNode: guarded((nodeId: string, force: boolean) => removeNode(docker, nodeId, force)),
    nodeTasks: guarded((nodeId: string) => nodeTasks(docker, nodeId)),
  };
}
