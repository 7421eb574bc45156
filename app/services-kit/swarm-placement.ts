import net from 'node:net';
import { BerthError } from '../errors';
import type { SwarmNode } from '../ports/swarm';

/**
 * Ports berth publishes swarm services on (host mode, on their node). Fixed per service, so the URL
 * apps got stays valid when swarm replaces the task. Open to the network the node is on: firewall them.
 */
export const SWARM_SERVICE_PORTS = { from: 30100, to: 30999 } as const;

const CONSTRAINT = /^node\.(id|hostname|role|labels\.(.+?))(==|!=)(.+)$/;

/** The nodes a set of constraints allows (those berth cannot evaluate, e.g. node.platform.os, allow every node). */
export function nodesMatching(nodes: readonly SwarmNode[], constraints: readonly string[]): SwarmNode[] {
  return nodes.filter((n) => constraints.every((c) => {
    const m = CONSTRAINT.exec(c);
    if (!m) return true;
    const actual = m[1] === 'id' ? n.id : m[1] === 'hostname' ? n.hostname : m[1] === 'role' ? n.role : n.labels[m[2]];
    return (actual === m[4]) === (m[3] === '==');
  }));
}

/** Whether this host can bind the port now (a node's own ports are not visible from here). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The first port of the range that no other service holds and this host does not use. With
 * `reserved`, the port is added to it before the check that waits, so two picks at once differ.
 */
export async function pickPort(taken: readonly number[], reserved = new Set<number>()): Promise<number> {
  for (let port = SWARM_SERVICE_PORTS.from; port <= SWARM_SERVICE_PORTS.to; port++) {
    if (taken.includes(port) || reserved.has(port)) continue;
    reserved.add(port);
    if (await bindable(port)) return port;
    reserved.delete(port);
  }
  throw new BerthError('SERVICE_PORTS_EXHAUSTED', `No free port from ${SWARM_SERVICE_PORTS.from} to ${SWARM_SERVICE_PORTS.to} for a swarm service.`);
}
