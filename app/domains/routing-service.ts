import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { Store } from '../ports/store';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesReader } from '../releases/releases-reader';
import { checkPortSet, effectivePorts, formatPortMapping, parsePortMapping } from './port-mapping';
import { LETSENCRYPT_EMAIL_KEY, LETSENCRYPT_KEY, NGINX_SETTINGS, PROXY_DISABLED_KEY, RAW_TEMPLATE_KEY, checkSetting } from './router-settings';

/** dokku's proxy:report: berth's one proxy is nginx. */
export interface ProxyReport {
  readonly enabled: boolean;
  readonly type: 'nginx';
}

export interface NginxReport {
  readonly app: string;
  /** Settings set for the app (unset ones use the defaults in `known`). */
  readonly settings: Readonly<Record<string, string>>;
  /** Every key `nginx:set` takes, with its format and default. */
  readonly known: Readonly<Record<string, string>>;
}

/** Port mappings (`ports:*`) and proxy settings (`nginx:*`) of an app. */
export class RoutingService {
  constructor(private readonly deps: {
    /** The domains module's own tables (port mappings, nginx settings); apps and releases through their owners. */
    store: Pick<Store, 'ports' | 'routerSettings'>;
    apps: AppsReader;
    releases: Pick<ReleasesReader, 'current' | 'list'>;
    /** Host ports services are exposed or published on (app/services-kit ServiceKit.hostPorts). */
    serviceHostPorts: () => readonly number[];
    events: EventsService;
    reroute: (app: string) => Promise<void>;
    /** The app's live proxy config text. */
    configOf: (app: string) => Promise<string | null>;
    /** The last lines of the app's nginx access or error log (`nginx:access-logs`, `nginx:error-logs`). */
    logOf?: (app: string, kind: 'access' | 'error', lines: number) => Promise<string>;
    /** Host ports berth itself listens on (API, SSH, registry, router), with what each is. */
    reservedPorts?: ReadonlyMap<number, string>;
    /** Whether something on the host listens on the port already (nginx would fail to bind it, and every reload with it). */
    portInUse?: (port: number) => Promise<boolean>;
  }) {}

  ports(app: string): string[] {
    this.requireApp(app);
    return this.deps.store.ports.list(app).map(formatPortMapping);
  }

  /** ports:report: the mappings in use and where they come from (the app's own, EXPOSE, default). */
  portsReport(app: string): { ports: string[]; inUse: string[]; source: string } {
    this.requireApp(app);
    const effective = effectivePorts(this.deps.store, this.deps.releases, app);
    return { ports: this.ports(app), inUse: effective.mappings.map(formatPortMapping), source: effective.source };
  }

  /** `{add, remove, set, clear}` in that order of precedence: set replaces, clear empties. */
  async changePorts(app: string, change: { add?: unknown[]; remove?: unknown[]; set?: unknown[]; clear?: boolean }, user: string | null): Promise<string[]> {
    this.requireApp(app);
    const { store } = this.deps;
    let next = store.ports.list(app);
    // The first ports:add keeps what was in use (EXPOSE's mappings, else http:80:<release port>) beside the new one.
    if (next.length === 0 && change.add && !change.set && !change.clear) {
      const detected = effectivePorts(store, this.deps.releases, app).mappings;
      next = detected.length ? [...detected] : [{ scheme: 'http', hostPort: 80, containerPort: this.deps.releases.current(app)?.port ?? 5000 }];
    }
    if (change.clear) next = [];
    if (change.set) next = change.set.map(parsePortMapping);
    const removed = (change.remove ?? []).map(parsePortMapping).map(formatPortMapping);
    const missing = removed.find((r) => !next.some((m) => formatPortMapping(m) === r));
    if (missing) throw new BerthError('INVALID_PORT_MAPPING', `${app} has no port mapping ${missing}; \`berth ports:report ${app}\` lists them.`);
    next = next.filter((m) => !removed.includes(formatPortMapping(m)));
    for (const m of (change.add ?? []).map(parsePortMapping)) {
      if (!next.some((x) => formatPortMapping(x) === formatPortMapping(m))) next.push(m);
    }
    checkPortSet(next);
    const held = new Set(store.ports.list(app).map((m) => m.hostPort));
    for (const port of new Set(next.map((m) => m.hostPort))) if (!held.has(port)) await this.checkPortFree(app, port);
    store.ports.replace(app, next);
    const now = next.map(formatPortMapping);
    this.deps.events.record({ app, kind: 'router.changed', message: `ports: ${now.join(' ') || 'default'}`, user });
    await this.deps.reroute(app);
    return this.ports(app);
  }

  /**
   * The Dockerfile EXPOSE mappings (dokku's rule) the app may take: a host port it holds already
   * stays; a new one must pass the same checks as ports:add, else it is left out with the reason
   * (a hostile EXPOSE of berth's API port must not break nginx for every app).
   */
  async admitDetected(app: string, mappings: readonly string[]): Promise<{ kept: string[]; refused: { mapping: string; why: string }[] }> {
    const held = new Set(effectivePorts(this.deps.store, this.deps.releases, app).mappings.map((m) => m.hostPort));
    const kept: string[] = [];
    const refused: { mapping: string; why: string }[] = [];
    for (const mapping of mappings) {
      const port = parsePortMapping(mapping).hostPort;
      try {
        if (!held.has(port)) await this.checkPortFree(app, port);
        kept.push(mapping);
      } catch (e) {
        refused.push({ mapping, why: (e as Error).message.replace(/ Nothing was changed\.$/, '') });
      }
    }
    return { kept, refused };
  }

  /**
   * A host port an app may newly listen on: 80/443 (the router's, shared by server name) or one
   * from 1024 up that neither berth, another app, a service nor anything else on the host holds.
   * A port nginx cannot bind fails every later reload, so it would stop every app's route changes.
   */
  private async checkPortFree(app: string, port: number): Promise<void> {
    if (port === 80 || port === 443) return;
    const refuse = (why: string): never => {
      throw new BerthError('PORT_UNAVAILABLE', `${app} cannot listen on host port ${port}: ${why}. Nothing was changed.`);
    };
    if (port < 1024) refuse('ports below 1024 other than 80 and 443 belong to the host\'s system services');
    const own = this.deps.reservedPorts?.get(port);
    if (own) refuse(`it is berth's ${own}`);
    for (const other of this.deps.apps.list()) {
      if (other.name !== app && this.deps.store.ports.list(other.name).some((m) => m.hostPort === port)) refuse('another app listens on it');
    }
    if (this.deps.serviceHostPorts().includes(port)) refuse('a service is exposed on it');
    if (await this.deps.portInUse?.(port)) refuse('something on this host listens on it already');
  }

  nginxReport(app: string): NginxReport {
    this.requireApp(app);
    const all = this.deps.store.routerSettings.get(app);
    const settings = Object.fromEntries(Object.entries(all).filter(([k]) => k in NGINX_SETTINGS));
    const known = Object.fromEntries(Object.entries(NGINX_SETTINGS).map(([k, s]) => [k, s.format]));
    return { app, settings, known };
  }

  async nginxChange(app: string, change: { set: Record<string, string>; unset: string[] }, by: { name: string; role: string } | null): Promise<NginxReport> {
    this.requireApp(app);
    const user = by?.name ?? null;
    // Raw server blocks from the app's repo run in root nginx's config: only an admin allows that.
    if (by && by.role !== 'admin' && (RAW_TEMPLATE_KEY in change.set || change.unset.includes(RAW_TEMPLATE_KEY))) {
      throw new BerthError('FORBIDDEN', `Only admins change ${RAW_TEMPLATE_KEY}: it lets ${app}'s nginx.conf.njk replace berth's server blocks.`);
    }
    for (const [k, v] of Object.entries(change.set)) checkSetting(k, v);
    for (const k of change.unset) {
      if (!(k in NGINX_SETTINGS)) throw new BerthError('INVALID_NGINX_SETTING', `Unknown nginx setting ${JSON.stringify(k)}; known: ${Object.keys(NGINX_SETTINGS).join(', ')}.`);
    }
    this.deps.store.routerSettings.apply(app, change.set, change.unset);
    const parts = [...Object.entries(change.set).map(([k, v]) => `${k}=${v}`), ...change.unset.map((k) => `${k} unset`)];
    this.deps.events.record({ app, kind: 'router.changed', message: `nginx: ${parts.join(' ')}`, user });
    await this.deps.reroute(app);
    return this.nginxReport(app);
  }

  async nginxConfig(app: string): Promise<string | null> {
    this.requireApp(app);
    return this.deps.configOf(app);
  }

  async nginxLog(app: string, kind: 'access' | 'error', lines: number): Promise<string> {
    this.requireApp(app);
    return this.deps.logOf ? this.deps.logOf(app, kind, lines) : '';
  }

  proxyReport(app: string): ProxyReport {
    this.requireApp(app);
    return { enabled: this.deps.store.routerSettings.get(app)[PROXY_DISABLED_KEY] !== 'true', type: 'nginx' };
  }

  /**
   * dokku's proxy:enable/disable: a disabled app keeps its containers, and the router drops its
   * route (its domains answer as unknown hosts) until it is enabled; RoutedRouter holds to it on
   * every later deploy and route change. `type` takes nginx only: berth has no other proxy.
   */
  async proxyChange(app: string, change: { enabled?: unknown; type?: unknown }, user: string | null): Promise<ProxyReport> {
    this.requireApp(app);
    if (change.enabled === undefined && change.type === undefined) throw new BerthError('INVALID_INPUT', 'Give "enabled" (true or false) and/or "type" ("nginx").');
    if (change.type !== undefined && change.type !== 'nginx') {
      throw new BerthError('INVALID_INPUT', `berth's proxy is nginx; ${JSON.stringify(change.type)} is not one berth runs.`);
    }
    if (change.enabled !== undefined && typeof change.enabled !== 'boolean') throw new BerthError('INVALID_INPUT', '"enabled" must be true or false.');
    if (typeof change.enabled === 'boolean' && change.enabled !== this.proxyReport(app).enabled) {
      if (change.enabled) this.deps.store.routerSettings.apply(app, {}, [PROXY_DISABLED_KEY]);
      else this.deps.store.routerSettings.apply(app, { [PROXY_DISABLED_KEY]: 'true' }, []);
      this.deps.events.record({ app, kind: 'router.changed', message: `proxy ${change.enabled ? 'enabled' : 'disabled'}`, user });
      await this.deps.reroute(app);
    }
    return this.proxyReport(app);
  }

  /** Let's Encrypt's per-app state is kept with the router settings: on or off, and the e-mail last used (app/certs LetsencryptService). */
  letsencryptOf(app: string): { enabled: boolean; email: string | null } {
    const stored = this.deps.store.routerSettings.get(app);
    return { enabled: stored[LETSENCRYPT_KEY] === 'true', email: stored[LETSENCRYPT_EMAIL_KEY] ?? null };
  }

  /** Apps with Let's Encrypt on (the renewal pass). */
  appsWithLetsencrypt(): string[] {
    return this.deps.store.routerSettings.appsWith(LETSENCRYPT_KEY, 'true');
  }

  /** On: stores the mark (and the e-mail, when given); off: removes the mark, keeping the e-mail. */
  setLetsencrypt(app: string, enabled: boolean, email?: string): void {
    if (!enabled) return this.deps.store.routerSettings.apply(app, {}, [LETSENCRYPT_KEY]);
    this.deps.store.routerSettings.apply(app, { [LETSENCRYPT_KEY]: 'true', ...(email ? { [LETSENCRYPT_EMAIL_KEY]: email } : {}) }, []);
  }

  private requireApp(app: string): void {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }
}
