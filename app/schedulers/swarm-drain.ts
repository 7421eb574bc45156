/**
 * How long old swarm web tasks keep serving after the router left them. A task whose container
 * runs on this host (the manager) has its open connections counted as on docker-local; a task on
 * another node cannot be counted from here, so while one of those serves, the full retire-wait
 * passes. Resolves with what ended the drain, for the push log.
 */
export interface SwarmDrainOptions {
  /** The old web tasks' container ids (null: not known yet). */
  readonly containers: () => Promise<readonly (string | null)[]>;
  readonly port: number;
  /** Open connections to the container's port; null when not on this host or not running. */
  readonly count: (containerId: string, port: number) => Promise<number | null>;
  readonly retireWaitSeconds: number;
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** As on docker-local: nginx's old workers may hand over a request they read a moment ago. */
const MIN_DRAIN_MS = 1000;

export async function drainSwarmTasks(o: SwarmDrainOptions): Promise<string> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const since = now();
  const deadline = since + o.retireWaitSeconds * 1000;
  let zeros = 0;
  while (now() < deadline) {
    const ids = await o.containers();
    const counts = await Promise.all(ids.map((id) => (id ? o.count(id, o.port).catch(() => null) : Promise.resolve(null))));
    // null (a task elsewhere, or not counted) is never 0: such a drain runs to the retire-wait.
    zeros = counts.every((n) => n === 0) ? zeros + 1 : 0;
    if (zeros >= 2 && now() - since >= MIN_DRAIN_MS) return `no open connection left after ${((now() - since) / 1000).toFixed(1)} s`;
    await sleep(Math.max(0, Math.min(o.pollMs ?? 500, deadline - now())));
  }
  return `the retire-wait (${o.retireWaitSeconds} s) passed`;
}
