/** The router maps hostnames to the running web containers. infra/nginx implements it. */

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

/** `http:80:5000`: the router's port 80 (its HTTP port) forwards to port 5000 of the containers. */
export interface PortMapping {
  readonly scheme: 'http' | 'https';
  /** 80 means the router's HTTP port, 443 its HTTPS port; other ports are listened on as given. */
  readonly hostPort: number;
  readonly containerPort: number;
}

/** Per-app proxy settings (`nginx:set`); each is validated before it gets here. */
export interface RouteSettings {
  /** e.g. `100m`. */
  readonly clientMaxBodySize?: string;
  /** e.g. `60s`. */
  readonly proxyReadTimeout?: string;
  readonly proxySendTimeout?: string;
  readonly proxyConnectTimeout?: string;
  /** With TLS: plain HTTP answers 301 to HTTPS (except ACME challenges). Default true. */
  readonly httpsRedirect?: boolean;
  /** With TLS: send Strict-Transport-Security with this max-age in seconds; 0 or absent: none. */
  readonly hstsMaxAge?: number;
  /** Write `logs/<app>.access.log`. Default true. */
  readonly accessLog?: boolean;
  /** The app's nginx.conf.njk may be raw server blocks (set by an admin only); default false: a checked snippet. */
  readonly rawTemplate?: boolean;
}

/** PEM texts; the router stores its own copy where the proxy can read it. */
export interface RouteTls {
  readonly cert: string;
  readonly key: string;
}

export interface AppRoute {
  readonly app: string;
  /** Hostnames served for this app; validated before they get here. */
  readonly domains: readonly string[];
  /** Healthy web containers; empty means "app down" (the router answers 502 naming the app). */
  readonly upstreams: readonly Upstream[];
  /** Absent or empty: `http:80:<upstream port>`, plus `https:443:<upstream port>` with TLS. */
  readonly ports?: readonly PortMapping[];
  readonly settings?: RouteSettings;
  /** A certificate for the app's domains; absent or null: HTTP only. */
  readonly tls?: RouteTls | null;
  /**
   * The app's own server template (`nginx.conf.njk` in its repo). Only `{{ VAR }}` substitution of
   * the router's documented variables; anything else is refused (INVALID_NGINX_TEMPLATE).
   */
  readonly template?: string | null;
}

export interface Router {
  /** Starts (or adopts) the proxy process and writes the base config. Idempotent. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Writes the app's config, checks it (`nginx -t`) and reloads (changes arriving together share one reload); a bad config is rolled back and throws ROUTER_CONFIG_INVALID. */
  apply(route: AppRoute): Promise<void>;
  remove(app: string): Promise<void>;
  /** Apps that currently have config, for the reconciler. */
  listApps(): Promise<string[]>;
  /** The app's live proxy config, or null (for `nginx:show-config`). */
  configOf(app: string): Promise<string | null>;
  /** Serves `content` at `/.well-known/acme-challenge/<token>` on every app's HTTP listener. */
  putChallenge(token: string, content: string): Promise<void>;
  removeChallenge(token: string): Promise<void>;
}

/** berth's own address (BERTH_HOSTNAME): its API, dashboard and git behind the router over HTTPS. */
export interface OwnRoute {
  readonly hostname: string;
  /** null while the ACME certificate is being issued: plain HTTP then serves challenges only (503 otherwise). */
  readonly tls: RouteTls | null;
  /** berth's web listener, on loopback. */
  readonly upstream: Upstream;
  /**
   * Sent with every proxied request (header X-Berth-Router): the web port believes a request's
   * X-Forwarded-* only with it, so a process on this host cannot claim another client address.
   */
  readonly hopSecret: string;
}

/** The router side of berth's own address; the nginx router implements it beside Router. */
export interface OwnAddressRouter {
  /** Serves `route` (null: no own address), checked with `nginx -t` like an app's config; reloads when it changed. */
  applyOwn(route: OwnRoute | null): Promise<void>;
}
