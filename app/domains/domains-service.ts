import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { Store } from '../ports/store';
import { normalizeHostname, normalizeHostnames } from './hostname';
import type { AppsReader } from '../apps/apps-reader';

import type { DomainsReport } from '../api-contract';

export type { DomainsReport };

export interface DomainsDeps {
  readonly store: Pick<Store, 'domains' | 'globalDomains' | 'transaction'>;
  readonly apps: AppsReader;
  readonly events: EventsService;
  /** BERTH_DOMAIN. */
  readonly baseDomain: string;
  /** Re-applies the app's route after a change (no-op for apps never deployed). */
  readonly reroute: (app: string) => Promise<void>;
  /** BERTH_HOSTNAME: berth's own address, which no app may claim (it would take the dashboard's and git's traffic). */
  readonly ownHostname?: string | null;
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
        if (store.domains.owner(d) === app) continue;
        this.assertClaimable(app, d);
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
      for (const d of wanted) if (store.domains.owner(d) !== app) this.assertClaimable(app, d);
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
    const have = new Set(store.globalDomains.list());
    for (const g of wanted) if (!have.has(g)) this.assertGlobalClaimable(g);
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
      if (this.deps.apps.find(name)) return name;
    }
    return null;
  }

  /**
   * Refuses a custom domain that is, or covers, another app's address: `<name>.<BERTH_DOMAIN>` and
   * `<name>.<global>` belong to the app called `<name>`, present or future (DOMAIN_RESERVED), and a
   * domain served by another app or under its wildcard, or a wildcard over its domains, is taken.
   */
  private assertClaimable(app: string, d: string): void {
    const own = this.deps.ownHostname;
    if (own && (d === own || covers(d, own))) throw new BerthError('DOMAIN_RESERVED', `${d} is (or covers) berth's own address ${own}; use a domain of your own.`);
    const owner = this.ownerOf(d);
    if (owner !== null && owner !== app) throw new BerthError('DOMAIN_TAKEN', `${d} is served by app "${owner}"; remove it there first.`);
    const parents = [this.deps.baseDomain, ...this.deps.store.globalDomains.list()];
    if (d.startsWith('*.')) {
      const suffix = d.slice(2);
      const over = parents.find((p) => p === suffix || p.endsWith(`.${suffix}`));
      if (over) throw new BerthError('DOMAIN_RESERVED', `${d} would cover every app's address <app>.${over}; add the names you own one by one.`);
    } else {
      const parent = parents.find((p) => d.endsWith(`.${p}`) && !d.slice(0, -p.length - 1).includes('.'));
      if (parent) throw new BerthError('DOMAIN_RESERVED', `${d} is the address of the app named "${d.slice(0, -parent.length - 1)}" (present or future); use a domain of your own.`);
    }
    for (const other of this.deps.apps.list()) {
      if (other.name === app) continue;
      const hit = this.deps.store.domains.list(other.name).find((o) => covers(o, d) || covers(d, o));
      if (hit) throw new BerthError('DOMAIN_TAKEN', `${d} overlaps ${hit}, served by app "${other.name}"; remove it there first.`);
    }
  }

  /**
   * Refuses a new global domain `g` under which a custom domain would become an app's address:
   * `<name>.<g>` served by another app would then be app `<name>`'s too (two apps on one name, or a
   * future app's name taken), a wildcard over `g` would cover every app's `<app>.<g>`, and berth's own
   * hostname must not become `<name>.<g>`. The same rules assertClaimable applies to custom domains.
   */
  private assertGlobalClaimable(g: string): void {
    const own = this.deps.ownHostname;
    const label = (host: string): string | null => {
      if (!host.endsWith(`.${g}`)) return null;
      const name = host.slice(0, -g.length - 1);
      return name.includes('.') ? null : name;
    };
    const ownName = own ? label(own) : null;
    if (ownName !== null) throw new BerthError('DOMAIN_RESERVED', `${g} would make berth's own address ${own} the address of an app named "${ownName}"; choose another global domain.`);
    for (const other of this.deps.apps.list()) {
      for (const o of this.deps.store.domains.list(other.name)) {
        if (o.startsWith('*.')) {
          const suffix = o.slice(2);
          if (g === suffix || g.endsWith(`.${suffix}`)) throw new BerthError('DOMAIN_TAKEN', `${g} lies under ${o}, served by app "${other.name}", which would then cover every app's address <app>.${g}; remove it there first.`);
          continue;
        }
        const name = label(o);
        if (name !== null && name !== other.name) throw new BerthError('DOMAIN_TAKEN', `${g} would make ${o}, served by app "${other.name}", the address of the app named "${name}" (present or future); remove it there first.`);
      }
    }
  }

  /** The app that already serves `<name>.<BERTH_DOMAIN>` or `<name>.<global>` as a custom domain (owner null: it is berth's own address), if any: an app may not be created or renamed to `name` then. */
  vhostClash(name: string): { domain: string; owner: string | null } | null {
    for (const parent of [this.deps.baseDomain, ...this.deps.store.globalDomains.list()]) {
      const domain = `${name}.${parent}`;
      if (domain === this.deps.ownHostname) return { domain, owner: null };
      for (const other of this.deps.apps.list()) {
        if (other.name === name) continue;
        if (this.deps.store.domains.list(other.name).some((o) => o === domain || covers(o, domain))) return { domain, owner: other.name };
      }
    }
    return null;
  }

  private requireApp(app: string): void {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
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
    for (const a of this.deps.apps.list()) await this.deps.reroute(a.name);
    return this.globals();
  }
}

/** Whether `pattern` (a name or `*.suffix`, which nginx matches at any depth) matches the name `host`. */
function covers(pattern: string, host: string): boolean {
  return pattern.startsWith('*.') && !host.startsWith('*.') && host.endsWith(pattern.slice(1));
}
