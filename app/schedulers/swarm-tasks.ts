import type { SwarmEngine, SwarmNode, SwarmTask } from '../ports/swarm';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A task that runs and is meant to: what the router may point at. */
export const isServing = (t: SwarmTask): boolean => t.desiredState === 'running' && t.state === 'running' && t.hostPorts.length > 0;

/** The router's upstreams for tasks. */
export function addressesOf(tasks: readonly SwarmTask[], nodes: readonly SwarmNode[]): { host: string; port: number }[] {
  // Sorted, so an unchanged set of tasks writes the same router config (and spares a reload).
  return tasks.map((t) => addressOf(t, nodes)).sort((a, b) => `${a.host}:${a.port}`.localeCompare(`${b.host}:${b.port}`));
}

/** Where a task's published port is reached: its node's address (loopback when the node says 0.0.0.0). */
export function addressOf(task: SwarmTask, nodes: readonly SwarmNode[]): { host: string; port: number } {
  const addr = nodes.find((n) => n.id === task.nodeId)?.addr ?? '';
  return { host: !addr || addr === '0.0.0.0' ? '127.0.0.1' : addr, port: task.hostPorts[0] };
}

/** Why tasks that swarm gave up on failed (rejected: image not pullable, no node fits, …). */
function failures(tasks: readonly SwarmTask[]): string[] {
  return tasks.filter((t) => ['failed', 'rejected'].includes(t.state)).map((t) => `${t.state}: ${t.error ?? t.message}`);
}

/**
 * Waits until `replicas` tasks of the service run with their ports published. Resolves the tasks,
 * or throws the last reasons when `seconds` pass (placement that no node meets, a crashing image).
 */
export async function waitRunning(o: {
  swarm: SwarmEngine; service: string; replicas: number; seconds: number; signal?: AbortSignal; needPorts: boolean;
}): Promise<SwarmTask[]> {
  const deadline = Date.now() + o.seconds * 1000;
  let last: SwarmTask[] = [];
  for (;;) {
    last = await o.swarm.tasks(o.service);
    const up = last.filter((t) => t.desiredState === 'running' && t.state === 'running' && (!o.needPorts || t.hostPorts.length > 0));
    if (up.length >= o.replicas) return up;
    const failed = failures(last);
    // A crash loop shows as failed tasks piling up; a few are retried, many mean it will not start.
    if (failed.length >= Math.max(3, o.replicas * 2)) throw new Error(`its tasks keep failing (${failed.slice(-1)[0]})`);
    if (Date.now() > deadline || o.signal?.aborted) {
      const pending = last.filter((t) => t.desiredState === 'running' && t.state !== 'running').map((t) => `${t.state}: ${t.error ?? t.message}`);
      throw new Error(`${up.length} of ${o.replicas} tasks ran after ${o.seconds} s (${[...failed, ...pending].slice(-2).join('; ') || 'no tasks'})`);
    }
    await sleep(300);
  }
}

/** Swarm's word for a task it cannot place on any node (placement constraints, or no room). */
export const unplaceable = (t: SwarmTask): boolean =>
  t.desiredState === 'running' && t.state === 'pending' && /no suitable node/i.test(`${t.error ?? ''} ${t.message}`);

/**
 * What is wrong with a process type that swarm cannot place, and what to do; null when nothing is.
 * The usual cause on a healthy swarm is a placement that allows only a node that is down.
 */
export function placementProblem(o: {
  app: string; type: string; desired: number; running: number; tasks: readonly SwarmTask[]; nodes: readonly SwarmNode[]; placement: readonly string[];
}): string | null {
  const stuck = o.tasks.filter(unplaceable);
  if (stuck.length === 0 || o.running >= o.desired) return null;
  const down = o.nodes.filter((n) => n.status !== 'ready').map((n) => n.hostname);
  const why = stuck[0].error ?? stuck[0].message;
  const pinned = o.placement.length > 0 ? ` its placement (${o.placement.join(', ')}) allows no node that is up` : ' no node that is up has room';
  return `${o.type} is down: ${o.running} of ${o.desired} tasks run, swarm cannot place ${stuck.length === 1 ? 'one' : stuck.length} (${why}):${pinned}`
    + `${down.length > 0 ? `; down: ${down.join(', ')}` : ''}. Bring the node back, or run them elsewhere: \`berth ps:set ${o.app} placement none\`.`;
}
