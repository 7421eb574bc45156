import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { Store } from '../ports/store';
import { normalizeHostname, normalizeHostnames } from './hostname';

export interface DomainsReport {
  readonly app: string;
  /** `<app>.<BERTH_DOMAIN>`. */
  readonly defaultDomain: string;
  /** `<app>.<global>` for each global domain. */
  readonly globalDomains: readonly string[];
  readonly customDomains: readonly string[];
  /** What the router serves, in this order. */
  readonly all: readonly string[];
}

export interface DomainsDeps {
  readonly store: Store;
  readonly events: EventsService;
  /** BERTH_DOMAIN. */
  readonly baseDomain: string;
  /** Re-applies the app's route after a change (no-op for apps never deployed). */
  readonly reroute: (app: string) => Promise<void>;
}

/** An app's hostnames: the default vhost, one per global domain, and its custom domains. */
export class DomainsService {
  constructor(private readonly deps: DomainsDeps) {}

  domainsOf(app: string): string[] {
    return this.report(app, false).all.slice();
  }

  report(app: string, requireApp = true): DomainsReport {
    if (requireApp) this.requireApp(app);
    const { store, baseDomain } = this.deps;
    const defaultDomain = `${app}.${baseDomain}`;
    const globalDomains = store.globalDomains.list().map((g) => `${app}.${g}`).filter((d) => d !== defaultDomain);
    const customDomains = store.domains.list(app);
    return { app, defaultDomain, globalDomains, customDomains, all: [...new Set([defaultDomain, ...globalDomains, ...customDomains])] };
  }

  async add(app: string, domains: unknown, user: string | null): Promise<DomainsReport> {
    this.requireApp(app);
    const wanted = normalizeHostnames(domains);
    const { store } = this.deps;
    const added = store.transaction(() => {
      const fresh: string[] = [];
      for (const d of wanted) {
        const owner = this.ownerOf(d);
        if (owner === app) continue;
        if (owner !== null) throw new BerthError('DOMAIN_TAKEN', `${d} is served by app "${owner}"; remove it there first.`);
        store.domains.add(app, d);
        fresh.push(d);
      }
      return fresh;
    });
    return this.changed(app, added.length > 0 ? `added domains ${added.join(' ')}` : null, user);
  }

  async remove(app: string, domains: unknown, user: string | null): Promise<DomainsReport> {
    this.requireApp(app);
    const gone = normalizeHostnames(domains);
    const { store } = this.deps;
    const have = new Set(store.domains.list(app));
    const missing = gone.find((d) => !have.has(d));
    if (missing) throw new BerthError('DOMAIN_NOT_FOUND', `${app} has no custom domain ${missing}; \`berth domains:report ${app}\` lists them.`);
    store.transaction(() => gone.forEach((d) => store.domains.remove(app, d)));
    return this.changed(app, `removed domains ${gone.join(' ')}`, user);
  }

  /** Replaces the app's custom domains (an empty list clears them). */
  async set(app: string, domains: unknown, user: string | null): Promise<DomainsReport> {
    this.requireApp(app);
    const wanted = Array.isArray(domains) && domains.length === 0 ? [] : normalizeHostnames(domains);
    const { store } = this.deps;
    store.transaction(() => {
      for (const d of wanted) {
        const owner = this.ownerOf(d);
        if (owner !== null && owner !== app) throw new BerthError('DOMAIN_TAKEN', `${d} is served by app "${owner}"; remove it there first.`);
      }
      for (const d of store.domains.list(app)) store.domains.remove(app, d);
      for (const d of wanted) store.domains.add(app, d);
    });
    return this.changed(app, wanted.length ? `set domains ${wanted.join(' ')}` : 'cleared custom domains', user);
  }

  globals(): string[] {
    return this.deps.store.globalDomains.list();
  }

  async addGlobal(domains: unknown, user: string | null): Promise<string[]> {
    const wanted = normalizeHostnames(domains);
    if (wanted.some((d) => d.startsWith('*.'))) throw new BerthError('INVALID_DOMAIN', 'A global domain cannot be a wildcard: apps get <app>.<global>.');
    const { store } = this.deps;
    store.transaction(() => wanted.forEach((d) => store.globalDomains.add(d)));
    return this.globalsChanged(`added global domains ${wanted.join(' ')}`, user);
  }

  async removeGlobal(domains: unknown, user: string | null): Promise<string[]> {
    const gone = normalizeHostnames(domains);
    const { store } = this.deps;
    const have = new Set(store.globalDomains.list());
    const missing = gone.find((d) => !have.has(d));
    if (missing) throw new BerthError('DOMAIN_NOT_FOUND', `${missing} is not a global domain; \`berth domains:report-global\` lists them.`);
    store.transaction(() => gone.forEach((d) => store.globalDomains.remove(d)));
    return this.globalsChanged(`removed global domains ${gone.join(' ')}`, user);
  }

  /** The app that serves `domain` (custom, default vhost or global), or null. */
  ownerOf(domain: string): string | null {
    const d = normalizeHostname(domain);
    const { store, baseDomain } = this.deps;
    const custom = store.domains.owner(d);
    if (custom !== null) return custom;
    for (const parent of [baseDomain, ...store.globalDomains.list()]) {
      if (!d.endsWith(`.${parent}`)) continue;
      const name = d.slice(0, -parent.length - 1);
      if (store.apps.get(name)) return name;
    }
    return null;
  }

  private requireApp(app: string): void {
    if (!this.deps.store.apps.get(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }

  private async changed(app: string, message: string | null, user: string | null): Promise<DomainsReport> {
    if (message !== null) {
      this.deps.events.record({ app, kind: 'domains.changed', message, user });
      await this.deps.reroute(app);
    }
    return this.report(app);
  }

  private async globalsChanged(message: string, user: string | null): Promise<string[]> {
    this.deps.events.record({ app: null, kind: 'domains.changed', message, user });
    for (const a of this.deps.store.apps.list()) await this.deps.reroute(a.name);
    return this.globals();
  }
}
