import type { AppRoute } from '../../../app/ports/router';
import type { PublishedRoutes, RouteFeed, RouterAgentState } from '../../../app/ports/route-feed';

/** The RouteFeed port in memory, for unit tests (RedisRouteFeed is held to the same behaviour: test/conformance/route-feed.ts). */
export class InMemoryRouteFeed implements RouteFeed {
  private version = 0;
  private publishedAt = 0;
  private readonly routes = new Map<string, string>();
  readonly states = new Map<string, RouterAgentState>();

  constructor(private readonly now: () => number = Date.now) {}

  async publish(app: string, route: AppRoute | null): Promise<number> {
    const text = route === null ? null : JSON.stringify(route);
    if ((this.routes.get(app) ?? null) === text) return this.version;
    if (text === null) this.routes.delete(app);
    else this.routes.set(app, text);
    this.publishedAt = this.now();
    return ++this.version;
  }

  async head(): Promise<{ version: number; publishedAt: number }> {
    return { version: this.version, publishedAt: this.publishedAt };
  }

  async current(): Promise<PublishedRoutes> {
    const routes: Record<string, AppRoute> = {};
    for (const [app, text] of this.routes) routes[app] = JSON.parse(text) as AppRoute;
    return { version: this.version, publishedAt: this.publishedAt, routes };
  }

  async apps(): Promise<string[]> { return [...this.routes.keys()].sort(); }

  async report(state: RouterAgentState): Promise<void> { this.states.set(state.name, state); }
  async agents(): Promise<RouterAgentState[]> { return [...this.states.values()].sort((a, b) => a.name.localeCompare(b.name)); }
  async forget(name: string): Promise<boolean> { return this.states.delete(name); }
}
