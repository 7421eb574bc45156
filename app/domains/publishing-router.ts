import type { AppRoute, Router } from '../ports/router';
import type { RouteFeed } from '../ports/route-feed';
import { DelegatingRouter } from './delegating-router';

/**
 * berth's own router, and every route it applies published to the route feed for the router
 * agents on the other managers (docs/scaling.md, "A router on each manager"). A route is published
 * only once berth's nginx took it: one nginx refused is no route to feed the others. An unchanged
 * route makes no new version (the feed compares), so the reconciler's passes cost the agents nothing.
 * A failed publish (Redis away) does not fail the route change berth's nginx made: it is told, and
 * the reconciler's next pass applies every app again, which publishes what the feed missed.
 */
export class PublishingRouter extends DelegatingRouter {
  constructor(inner: Router, private readonly feed: RouteFeed, private readonly onError: (e: unknown) => void) { super(inner); }

  override async apply(route: AppRoute): Promise<void> {
    await this.inner.apply(route);
    await this.feed.publish(route.app, route).catch(this.onError);
  }

  override async remove(app: string): Promise<void> {
    await this.inner.remove(app);
    await this.feed.publish(app, null).catch(this.onError);
  }

  /**
   * berth's nginx's apps and the feed's: a removal whose publish failed (or made while the feed was
   * off) leaves the app in the feed only, and the reconciler removes what this lists and berth does
   * not know. Without it every agent kept serving a destroyed app's domains, and its TLS key, for good.
   */
  override async listApps(): Promise<string[]> {
    const own = await this.inner.listApps();
    const fed = await this.feed.apps().catch((e: unknown) => { this.onError(e); return [] as string[]; });
    return [...new Set([...own, ...fed])];
  }
}
