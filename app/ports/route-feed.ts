import type { RouterFailureView, RouterView } from '../api-contract';
import type { AppRoute } from './router';

/** Every app's route as berth last applied it, under one version number. */
export interface PublishedRoutes {
  /** Grows by one with each route that changed; 0: nothing published yet. */
  readonly version: number;
  /** When `version` was published (ms since the epoch); 0 when nothing was. */
  readonly publishedAt: number;
  readonly routes: Readonly<Record<string, AppRoute>>;
}

/** An app whose route a router agent's nginx refused: it keeps serving that app's previous config (the API contract's shape). */
export type RouterFailure = RouterFailureView;

/** What a router agent says about itself each time it looks at the feed: the contract's router view without what berth derives from it. */
export type RouterAgentState = Omit<RouterView, 'state' | 'problem'>;

/**
 * The versioned route table every router is fed from (docs/scaling.md, "A router on each manager"):
 * berth publishes each app's route after its own router applied it; each router agent applies the
 * versions it has not yet and reports what it serves.
 */
export interface RouteFeed {
  /** Stores the app's route (null: removed) and resolves the new version; an unchanged route publishes nothing (resolves the current version). */
  publish(app: string, route: AppRoute | null): Promise<number>;
  /** The current version and when it was published, without the routes (a cheap look). */
  head(): Promise<{ version: number; publishedAt: number }>;
  /** Every route at one version. */
  current(): Promise<PublishedRoutes>;
  /** The apps the feed holds a route of (no routes read: the reconciler asks on every pass). */
  apps(): Promise<string[]>;
  report(state: RouterAgentState): Promise<void>;
  agents(): Promise<RouterAgentState[]>;
  /** Forgets an agent (a router taken away for good); false when none of that name reported. */
  forget(name: string): Promise<boolean>;
}
