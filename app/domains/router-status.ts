import type { RouterReportView, RouterView } from '../api-contract';
import { BerthError } from '../errors';
import type { RouteFeed, RouterAgentState } from '../ports/route-feed';

/** How a router stands against the feed; `problem` says what is wrong and what to do (the API contract's shape). */
export type RouterRow = RouterView;

export type RouterReport = RouterReportView;

export interface StatusLimits {
  /** An agent looks every second: not heard from for this long, it is down or cut off. */
  readonly silentAfterMs: number;
  /** A new version takes a reload (well under a second at 1,000 apps): behind for longer is a problem. */
  readonly behindAfterMs: number;
}

export const DEFAULT_LIMITS: StatusLimits = { silentAfterMs: 15_000, behindAfterMs: 15_000 };

const secs = (ms: number) => `${Math.round(ms / 1000)} s`;

/** Each router agent's row: silent before failing before behind (the first is what to fix first). */
export function routerRow(a: RouterAgentState, feed: { version: number; publishedAt: number }, now: number, limits: StatusLimits = DEFAULT_LIMITS): RouterRow {
  const where = `router ${a.name} (${a.address})`;
  if (now - a.seenAt > limits.silentAfterMs) {
    return { ...a, state: 'silent', problem: `${where} has not reported for ${secs(now - a.seenAt)}; it serves version ${a.version} of ${feed.version} at most. Its agent is down or cannot reach berth's Redis: start it again on its manager (\`node dist/app/main.js router-agent\`, docs/swarm.md), and take its address out of DNS until \`berth router:report\` shows it current.` };
  }
  if (a.failures.length > 0) {
    const apps = a.failures.map((f) => f.app).join(', ');
    return { ...a, state: 'failing', problem: `${where}: its nginx refused the route of ${apps} (${a.failures[0].message}). Those apps keep their previous config there; the rest of version ${a.version} is served. Berth's own nginx took the same route, so look at that manager's nginx (its version, a port another process holds): the agent tries again with the next route change.` };
  }
  if (a.version < feed.version && now - feed.publishedAt > limits.behindAfterMs) {
    return { ...a, state: 'behind', problem: `${where} serves version ${a.version} of ${feed.version}, published ${secs(now - feed.publishedAt)} ago: it reports but does not apply (look at its log); restart its agent.` };
  }
  return { ...a, state: a.version < feed.version ? 'updating' : 'current', problem: null };
}

export async function routerReport(feed: RouteFeed, now: () => number = Date.now, limits: StatusLimits = DEFAULT_LIMITS): Promise<RouterReport> {
  const [cur, agents] = await Promise.all([feed.head(), feed.agents()]);
  const at = now();
  return { ...cur, routers: agents.map((a) => routerRow(a, cur, at, limits)) };
}

/** router:report and router:forget over the feed. */
export function routersOf(feed: RouteFeed): { report(): Promise<RouterReport>; forget(name: string): Promise<void> } {
  return {
    report: () => routerReport(feed),
    forget: async (name) => {
      if (!(await feed.forget(name))) throw new BerthError('ROUTER_NOT_FOUND', `No router agent named ${JSON.stringify(name.slice(0, 80))} has reported.`);
    },
  };
}
