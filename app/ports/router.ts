/** The router maps hostnames to the running web containers. infra/nginx implements it. */

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

export interface AppRoute {
  readonly app: string;
  /** Hostnames served for this app; validated before they get here. */
  readonly domains: readonly string[];
  /** Healthy web containers; empty means "app down" (the router answers 502 naming the app). */
  readonly upstreams: readonly Upstream[];
}

export interface Router {
  /** Starts (or adopts) the proxy process and writes the base config. Idempotent. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Writes the app's config, checks it (`nginx -t`) and reloads; a bad config is rolled back and throws ROUTER_CONFIG_INVALID. */
  apply(route: AppRoute): Promise<void>;
  remove(app: string): Promise<void>;
  /** Apps that currently have config, for the reconciler. */
  listApps(): Promise<string[]>;
}
