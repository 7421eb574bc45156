import type { AppRoute, Router } from '../ports/router';
import type { Store } from '../ports/store';
import type { ReleasesReader } from '../releases/releases-reader';
import { PROXY_DISABLED_KEY, toRouteSettings } from './router-settings';
import { effectivePorts } from './port-mapping';
import { DelegatingRouter } from './delegating-router';

export type RouteExtras = Pick<AppRoute, 'ports' | 'settings' | 'tls' | 'template'> & {
  /** dokku's `proxy:disable`: the app keeps running, the router holds no route to it. */
  readonly proxyDisabled?: boolean;
};

/**
 * The Router every caller (the Deployer included) uses: it adds the app's ports, proxy settings,
 * certificate and own template to the `{app, domains, upstreams}` they pass, so whoever applies a
 * route gets the whole of it. Any Router (nginx today) sits inside.
 */
export class RoutedRouter extends DelegatingRouter {
  constructor(inner: Router, private readonly extras: (app: string) => Promise<RouteExtras>) { super(inner); }

  override async apply(route: AppRoute): Promise<void> {
    const { proxyDisabled, ...extras } = await this.extras(route.app);
    // Every caller (deploy, domains, ports, nginx:set) goes through here, so none routes a disabled app again.
    if (proxyDisabled) return this.inner.remove(route.app);
    await this.inner.apply({ ...route, ...extras });
  }
}

/** Reads an app's extras from the store; the certificate and template come from their owners. */
export function storedRouteExtras(deps: {
  /** The domains module's own tables; the newest release's EXPOSEd ports come through the releases module. */
  store: Pick<Store, 'ports' | 'routerSettings'>;
  releases: Pick<ReleasesReader, 'list'>;
  tlsOf: (app: string) => RouteExtras['tls'];
  /** The app's own nginx.conf.njk at the release being deployed, or null. */
  templateOf: (app: string) => Promise<string | null>;
}): (app: string) => Promise<RouteExtras> {
  return async (app) => ({
    ports: effectivePorts(deps.store, deps.releases, app).mappings,
    settings: toRouteSettings(deps.store.routerSettings.get(app)),
    tls: deps.tlsOf(app),
    template: await deps.templateOf(app),
    proxyDisabled: deps.store.routerSettings.get(app)[PROXY_DISABLED_KEY] === 'true',
  });
}
