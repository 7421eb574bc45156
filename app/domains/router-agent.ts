import { asBerthError } from '../errors';
import type { Router } from '../ports/router';
import type { PublishedRoutes, RouteFeed, RouterAgentState, RouterFailure } from '../ports/route-feed';

export interface RouterAgentDeps {
  readonly feed: RouteFeed;
  /** This manager's own nginx (the same NginxRouter berth runs: the same checks, batched reloads). */
  readonly router: Router;
  readonly name: string;
  readonly nodeId: string | null;
  readonly address: string;
  readonly now?: () => number;
}

/**
 * A router on a manager node: follows the route feed, applies each version's changed routes to
 * its own nginx (all of them at once, so NginxRouter's batcher makes them one reload), removes the
 * apps the feed no longer has, and reports the version it serves and the routes its nginx refused.
 * A refused route is retried with the next version; meanwhile that app keeps its previous config.
 */
export class RouterAgent {
  private readonly applied = new Map<string, string>();
  private version = 0;
  private appliedAt = 0;
  private failures: RouterFailure[] = [];
  private synced = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly d: RouterAgentDeps) {}

  /** One look at the feed: applies a newer version, then reports. */
  async syncOnce(): Promise<RouterAgentState> {
    const now = this.d.now ?? Date.now;
    if (!this.synced || (await this.d.feed.head()).version !== this.version) await this.applyVersion(await this.d.feed.current(), now);
    const state: RouterAgentState = {
      name: this.d.name, nodeId: this.d.nodeId, address: this.d.address,
      version: this.version, appliedAt: this.appliedAt, seenAt: now(), failures: this.failures,
    };
    await this.d.feed.report(state);
    return state;
  }

  /** Looks every `intervalMs` until stop(); a failed look (Redis away) is told and retried. */
  run(intervalMs: number, onError: (e: unknown) => void): void {
    const loop = () => {
      this.syncOnce().catch(onError).finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, intervalMs);
      });
    };
    loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async applyVersion(snap: PublishedRoutes, now: () => number): Promise<void> {
    const failures: RouterFailure[] = [];
    const failed = (app: string) => (e: unknown) => { failures.push({ app, message: asBerthError(e).message }); };
    const jobs: Promise<void>[] = [];
    for (const [app, route] of Object.entries(snap.routes)) {
      const text = JSON.stringify(route);
      if (this.applied.get(app) === text) continue;
      jobs.push(this.d.router.apply(route).then(() => { this.applied.set(app, text); }, failed(app)));
    }
    // Apps this nginx serves that the feed no longer has (removed while the agent was away, too).
    const served = new Set([...this.applied.keys(), ...(await this.d.router.listApps())]);
    for (const app of served) {
      if (app in snap.routes) continue;
      jobs.push(this.d.router.remove(app).then(() => { this.applied.delete(app); }, failed(app)));
    }
    await Promise.all(jobs);
    this.version = snap.version;
    this.failures = failures.sort((a, b) => a.app.localeCompare(b.app));
    if (jobs.length > 0 || !this.synced) this.appliedAt = now();
    this.synced = true;
  }
}
