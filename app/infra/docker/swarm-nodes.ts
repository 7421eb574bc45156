import type Docker from 'dockerode';
import { BerthError } from '../../errors';
import type { SwarmNode } from '../../ports/swarm';

interface RawNode {
  ID: string;
  Version: { Index: number };
  Spec: { Role: string; Availability: string; Labels?: Record<string, string> };
  Description?: { Hostname?: string };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Addr?: string };
}

const toNode = (n: RawNode): SwarmNode => ({
  id: n.ID, hostname: n.Description?.Hostname ?? '', role: n.Spec.Role, status: n.Status?.State ?? 'unknown',
  availability: n.Spec.Availability, addr: n.Status?.Addr ?? '', leader: n.ManagerStatus?.Leader === true, labels: n.Spec.Labels ?? {},
});

export async function swarmStatus(docker: Docker): Promise<{ active: boolean; manager: boolean; nodeId: string | null }> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string } };
  return { active: info.Swarm?.LocalNodeState === 'active', manager: info.Swarm?.ControlAvailable === true, nodeId: info.Swarm?.NodeID || null };
}

export async function initSwarm(docker: Docker, advertiseAddr: string | undefined): Promise<void> {
  try {
    await docker.swarmInit({ ListenAddr: '0.0.0.0:2377', ...(advertiseAddr ? { AdvertiseAddr: advertiseAddr } : {}) });
  } catch (e) {
    if (typeof (e as { statusCode?: unknown }).statusCode !== 'number') throw e; // docker unreachable: DOCKER_UNAVAILABLE
    // docker's own words say what is wrong (no address it can choose, an address not on this host).
    const text = (e as { json?: { message?: string }; message?: string }).json?.message ?? (e as Error).message;
    throw new BerthError('SWARM_INIT_FAILED', `docker swarm init failed: ${String(text).trim()}${advertiseAddr ? '' : '; pass --advertise-addr <this host\'s private address>'}`);
  }
}

export async function swarmJoinInfo(docker: Docker): Promise<{ workerToken: string; managerToken: string; managerAddr: string }> {
  const swarm = (await docker.swarmInspect()) as { JoinTokens?: { Worker?: string; Manager?: string } };
  const info = (await docker.info()) as { Swarm?: { NodeID?: string; NodeAddr?: string; RemoteManagers?: { NodeID: string; Addr: string }[] | null } };
  const self = info.Swarm?.RemoteManagers?.find((m) => m.NodeID === info.Swarm?.NodeID);
  return { workerToken: swarm.JoinTokens?.Worker ?? '', managerToken: swarm.JoinTokens?.Manager ?? '', managerAddr: self?.Addr ?? `${info.Swarm?.NodeAddr ?? ''}:2377` };
}

export async function listNodes(docker: Docker): Promise<SwarmNode[]> {
  return ((await docker.listNodes()) as RawNode[]).map(toNode).sort((a, b) => a.hostname.localeCompare(b.hostname));
}

/** The node by id, id prefix or hostname; NODE_NOT_FOUND otherwise. */
async function findNode(docker: Docker, node: string): Promise<RawNode> {
  const all = (await docker.listNodes()) as RawNode[];
  const found = all.find((n) => n.ID === node) ?? all.find((n) => n.Description?.Hostname === node) ?? all.find((n) => node.length >= 4 && n.ID.startsWith(node));
  if (!found) throw new BerthError('NODE_NOT_FOUND', `No swarm node "${node}"; \`berth nodes\` lists them.`);
  return found;
}

export async function findSwarmNode(docker: Docker, node: string): Promise<SwarmNode> {
  return toNode(await findNode(docker, node));
}

export async function labelNode(docker: Docker, node: string, labels: Readonly<Record<string, string | null>>): Promise<SwarmNode> {
  const found = await findNode(docker, node);
  const next: Record<string, string> = { ...(found.Spec.Labels ?? {}) };
  for (const [k, v] of Object.entries(labels)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  await docker.getNode(found.ID).update({ ...found.Spec, Labels: next, version: found.Version.Index } as never);
  return toNode({ ...found, Spec: { ...found.Spec, Labels: next } });
}

/** `docker node update --availability`: active, pause or drain (swarm moves a drained node's tasks elsewhere). */
export async function setNodeAvailability(docker: Docker, node: string, availability: 'active' | 'pause' | 'drain'): Promise<SwarmNode> {
  const found = await findNode(docker, node);
  await docker.getNode(found.ID).update({ ...found.Spec, Availability: availability, version: found.Version.Index } as never);
  return toNode({ ...found, Spec: { ...found.Spec, Availability: availability } });
}

/** `docker node rm [--force]`: a node that is still up is only removed with force (it then holds a stale swarm state). */
export async function removeNode(docker: Docker, nodeId: string, force: boolean): Promise<void> {
  await docker.getNode(nodeId).remove({ force } as never);
}
