import type Docker from 'dockerode';
import { dockerStatus, ignoreStatus, nullOn404, requireRef } from './docker-errors';
import { freeSubnet, type SubnetPool } from './subnet-pool';

async function networksNamed(docker: Docker, name: string): Promise<Docker.NetworkInspectInfo[]> {
  // The name filter matches substrings; keep exact matches only.
  const found = await docker.listNetworks({ filters: { name: [name] } });
  return found.filter((n) => n.Name === name);
}

/** The one every racer agrees to keep: the oldest, then the smallest id. */
function keeper(nets: readonly Docker.NetworkInspectInfo[]): Docker.NetworkInspectInfo {
  return [...nets].sort((a, b) => a.Created.localeCompare(b.Created) || a.Id.localeCompare(b.Id))[0] as Docker.NetworkInspectInfo;
}

/**
 * Creates the network with a free subnet of the pool. This process's creates run one at a time
 * (`poolTurn`), so they never pick the same subnet; another process (a second berth on this
 * engine) taking it first (overlap) makes it try again a random number of free subnets further on.
 */
async function createInPool(docker: Docker, name: string, pool: SubnetPool): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const taken = (await docker.listNetworks()).flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')).filter(Boolean);
    const subnet = freeSubnet(pool, taken, attempt === 1 ? 0 : Math.floor(Math.random() * 8 * attempt));
    try {
      await docker.createNetwork({
        Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { 'berth.managed': 'true' }, IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] },
      });
      return;
    } catch (e) {
      if (dockerStatus(e) === 409) return;
      // "Pool overlaps with other one on this address space": a concurrent create took it.
      if (attempt >= 10 || !/overlap/i.test((e as Error).message)) throw e;
    }
  }
}

async function ensureOnce(docker: Docker, name: string, pool: SubnetPool | null, poolTurn: <T>(f: () => Promise<T>) => Promise<T>): Promise<void> {
  if ((await networksNamed(docker, name)).length === 1) return;
  if ((await networksNamed(docker, name)).length === 0) {
    if (pool) {
      await poolTurn(() => createInPool(docker, name, pool));
    } else {
      await ignoreStatus(
        docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { 'berth.managed': 'true' } }),
        [409],
      );
    }
  }
  // Docker 20.10's CheckDuplicate is not atomic: two concurrent creates can both succeed, and
  // then every use of the name fails as "ambiguous". Every racer removes all but the keeper.
  const nets = await networksNamed(docker, name);
  if (nets.length <= 1) return;
  const keep = keeper(nets);
  for (const n of nets) {
    if (n.Id !== keep.Id) await ignoreStatus(docker.getNetwork(n.Id).remove(), [403, 404, 409]);
  }
}

/**
 * `ensureNetwork(name)`: creates a bridge network unless it exists (an app's: with a subnet of
 * `appPool`, when there is one), safe to call concurrently
 * (calls for the same name in this process share one attempt; other processes are handled by
 * the duplicate clean-up above).
 */
export function networkEnsurer(docker: Docker, appPool: SubnetPool | null = null): (name: string, o?: { forApp?: boolean }) => Promise<void> {
  const inFlight = new Map<string, Promise<void>>();
  let turns: Promise<unknown> = Promise.resolve();
  const poolTurn = <T>(f: () => Promise<T>): Promise<T> => {
    const mine = turns.then(f, f);
    turns = mine.catch(() => undefined);
    return mine;
  };
  return async (name: string, o: { forApp?: boolean } = {}) => {
    requireRef(name, 'network name');
    const running = inFlight.get(name);
    if (running) return running;
    const attempt = ensureOnce(docker, name, o.forApp ? appPool : null, poolTurn).finally(() => inFlight.delete(name));
    inFlight.set(name, attempt);
    return attempt;
  };
}

/**
 * Removes a network after force-disconnecting what is still attached. Gone (404): fine. A
 * container attached meanwhile (403 "active endpoints") is disconnected in the next round.
 */
export async function removeNetwork(docker: Docker, name: string): Promise<void> {
  for (let round = 1; ; round++) {
    const nets = await networksNamed(docker, requireRef(name, 'network name'));
    if (nets.length === 0) return;
    try {
      for (const n of nets) {
        const net = docker.getNetwork(n.Id);
        const info = (await nullOn404(net.inspect())) as Docker.NetworkInspectInfo | null;
        for (const id of Object.keys(info?.Containers ?? {})) {
          await ignoreStatus(net.disconnect({ Container: id, Force: true }), [404, 500]);
        }
        await ignoreStatus(net.remove(), [404]);
      }
      return;
    } catch (e) {
      if (round >= 3) throw e;
    }
  }
}

/**
 * Makes `members` (container names) the containers with `label` on the network: connects the
 * missing ones, disconnects the others. A member that does not exist is skipped (its service is
 * being re-created and joins then); a network that does not exist is left alone.
 */
export async function syncNetworkMembers(docker: Docker, network: string, o: { label: string; members: readonly string[] }): Promise<void> {
  const net = docker.getNetwork(requireRef(network, 'network name'));
  const info = (await nullOn404(net.inspect())) as Docker.NetworkInspectInfo | null;
  if (!info) return;
  const attached = await docker.listContainers({ all: true, filters: { network: [info.Id], label: [o.label] } });
  const attachedNames = new Set(attached.flatMap((c) => c.Names.map((n) => n.replace(/^\//, ''))));
  for (const c of attached) {
    if (!c.Names.some((n) => o.members.includes(n.replace(/^\//, '')))) {
      await ignoreStatus(net.disconnect({ Container: c.Id, Force: true }), [404]);
    }
  }
  for (const name of o.members) {
    if (attachedNames.has(name)) continue;
    // 404: no such container; 403: attached meanwhile (a concurrent deploy of the same app).
    await ignoreStatus(net.connect({ Container: requireRef(name, 'container name') }), [403, 404]);
  }
}
