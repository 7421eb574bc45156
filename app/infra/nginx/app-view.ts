import type { PortMapping } from '../../ports/router';
import { listenFor, type ResolvedOptions } from './options';
import type { ResolvedSettings, RouteView } from './validate';

export interface UpstreamGroup {
  readonly name: string;
  /** `ip:port` entries; empty renders a `down` placeholder so the name still resolves (502). */
  readonly servers: readonly string[];
}

export interface ServerView {
  readonly listen: string;
  readonly ssl: boolean;
  /** Plain HTTP answers 301 to `https://$host<redirectSuffix>`. */
  readonly redirect: boolean;
  readonly redirectSuffix: string;
  /** Upstream group to proxy to; null: the app has no running web process. */
  readonly upstream: string | null;
}

/** Everything app.conf.njk (and an app's own template) renders from. */
export interface AppConfView {
  readonly app: string;
  readonly serverNames: string;
  readonly groups: readonly UpstreamGroup[];
  readonly servers: readonly ServerView[];
  readonly settings: ResolvedSettings;
  readonly tls: { readonly cert: string; readonly key: string } | null;
  /** The app's checked nginx.conf.njk snippet (template-snippet.ts), placed in each proxying server block. */
  readonly snippet?: string | null;
  /** Host ports the app maps that another process holds: left out, so nginx's reload still binds everything else. */
  readonly unbound: readonly number[];
}

/** Port mappings to serve: the app's own, or `http:80:<port>` (+ `https:443:<port>` with TLS). */
export function effectivePorts(view: RouteView): PortMapping[] {
  const given = view.ports.length > 0 ? [...view.ports] : [{ scheme: 'http' as const, hostPort: 80, containerPort: view.upstreams[0]?.port ?? 5000 }];
  if (view.tls && !given.some((p) => p.scheme === 'https')) {
    for (const p of given.filter((m) => m.scheme === 'http' && m.hostPort === 80)) given.push({ scheme: 'https', hostPort: 443, containerPort: p.containerPort });
  }
  return view.tls ? given : given.filter((p) => p.scheme === 'http');
}

/** Turns a validated route into server blocks: one per listened port, each to its container port. */
export function buildAppView(view: RouteView, opts: ResolvedOptions, certPaths: { cert: string; key: string }, unbound: readonly number[] = []): AppConfView {
  const custom = view.ports.length > 0;
  const hosts = [...new Set(view.upstreams.map((u) => u.host))];
  const groupName = (port: number) => (custom ? `berth_${view.app}_${port}` : `berth_${view.app}`);
  const groups = new Map<string, UpstreamGroup>();
  const ports = effectivePorts(view).filter((p) => !unbound.includes(p.hostPort));
  for (const p of ports) {
    const name = groupName(p.containerPort);
    const servers = custom ? hosts.map((h) => `${h}:${p.containerPort}`) : view.upstreams.map((u) => `${u.host}:${u.port}`);
    groups.set(name, { name, servers: [...new Set(servers)] });
  }
  const redirect = view.tls !== null && view.settings.httpsRedirect && ports.some((p) => p.scheme === 'https');
  const servers = ports.map((p): ServerView => {
    const ssl = p.scheme === 'https';
    const port = p.hostPort === 80 ? opts.httpPort : p.hostPort === 443 ? opts.httpsPort : p.hostPort;
    return {
      listen: listenFor(opts, port),
      ssl,
      redirect: !ssl && p.hostPort === 80 && redirect,
      redirectSuffix: opts.httpsPort === 443 ? '' : `:${opts.httpsPort}`,
      upstream: view.upstreams.length > 0 ? groupName(p.containerPort) : null,
    };
  });
  return {
    app: view.app,
    serverNames: view.domains.join(' '),
    groups: view.upstreams.length > 0 ? [...groups.values()] : [],
    servers,
    settings: view.settings,
    tls: view.tls ? certPaths : null,
    unbound,
  };
}
