import { BerthError } from '../errors';
import type { AppRecord, Store } from '../ports/store';
import type { EventsService } from '../events';
import type { ReleasesReader } from '../releases/releases-reader';
import { assertAppName } from './app-name';

/** What else holds per-app state (repo, containers, routes); called on rename and destroy. */
export interface AppResources {
  created(app: string): Promise<void>;
  /** Called after the store has the new name. */
  renamed(from: string, to: string): Promise<void>;
  /** Called before the app's rows go. `keepData`: leave its volumes and storage folder (named by its id). */
  destroyed(app: string, o?: { keepData?: boolean }): Promise<void>;
}

export interface AppInfo extends AppRecord {
  readonly currentRelease: number | null;
  readonly domains: readonly string[];
  readonly url: string;
}

export class AppsService {
  constructor(private readonly deps: {
    /** The apps module's own table; the live release and the hostnames come from their owners. */
    store: Pick<Store, 'apps' | 'transaction'>; events: EventsService; resources: AppResources; domain: string;
    releases: Pick<ReleasesReader, 'current'>;
    /** The app's hostnames (app/domains: default vhost, global and custom domains). */
    domainsOf: (app: string) => string[];
    /** Another app's custom domain that `<name>.<domain>` would collide with (app/domains vhostClash). */
    vhostClash?: (name: string) => { domain: string; owner: string | null } | null;
  }) {}

  async create(name: unknown, user: string | null): Promise<AppRecord> {
    assertAppName(name);
    const { store } = this.deps;
    const app = store.transaction(() => {
      if (store.apps.get(name)) throw new BerthError('APP_EXISTS', `An app named "${name}" exists already; choose another name.`);
      this.assertNoVhostClash(name);
      const created = store.apps.insert(name);
      this.deps.events.record({ app: name, kind: 'app.created', message: `created ${name}`, user });
      return created;
    });
    await this.deps.resources.created(name);
    return app;
  }

  list(): AppRecord[] {
    return this.deps.store.apps.list();
  }

  /** The app, or null when none has that name. */
  find(name: string): AppRecord | null {
    return this.deps.store.apps.get(name) ?? null;
  }

  require(name: string): AppRecord {
    const app = this.deps.store.apps.get(name);
    if (!app) throw new BerthError('APP_NOT_FOUND', `App "${name}" does not exist; \`berth apps:list\` shows your apps.`);
    return app;
  }

  info(name: string): AppInfo {
    const app = this.require(name);
    const current = this.deps.releases.current(name);
    return {
      ...app,
      currentRelease: current?.version ?? null,
      domains: this.domainsOf(name),
      url: `http://${name}.${this.deps.domain}`,
    };
  }

  /** `apps:lock` / `apps:unlock`: while locked, no build of the app is queued (BuildsService.enqueue). */
  setLocked(name: string, locked: boolean, user: string | null): AppRecord {
    this.require(name);
    const app = this.deps.store.apps.update(name, { locked });
    this.deps.events.record({ app: name, kind: locked ? 'app.locked' : 'app.unlocked', message: locked ? 'deploy lock created' : 'deploy lock removed', user });
    return app;
  }

  /** The default vhost first, then global and custom domains (app/domains). */
  domainsOf(name: string): string[] {
    return this.deps.domainsOf(name);
  }

  async rename(from: string, to: unknown, user: string | null): Promise<void> {
    assertAppName(to);
    const { store } = this.deps;
    this.require(from);
    if (store.apps.get(to)) throw new BerthError('APP_EXISTS', `An app named "${to}" exists already; choose another name.`);
    this.assertNoVhostClash(to);
    store.transaction(() => {
      store.apps.rename(from, to);
      this.deps.events.record({ app: to, kind: 'app.renamed', message: `renamed ${from} to ${to}`, user });
    });
    await this.deps.resources.renamed(from, to);
  }

  /** An app's address must not be another app's custom domain: its traffic would be taken over. */
  private assertNoVhostClash(name: string): void {
    const clash = this.deps.vhostClash?.(name);
    if (clash) throw new BerthError('DOMAIN_TAKEN', `An app named "${name}" would be served at ${clash.domain}, which ${clash.owner === null ? 'is berth\'s own address' : `app "${clash.owner}" serves`}; choose another name.`);
  }

  async destroy(name: string, confirm: unknown, user: string | null, o: { keepData?: boolean } = {}): Promise<void> {
    this.require(name);
    if (confirm !== name) {
      throw new BerthError('CONFIRMATION_REQUIRED', `Destroying "${name}" removes its containers, releases and repo: repeat the app name to confirm (\`berth apps:destroy ${name} --confirm ${name}\`).`);
    }
    const { id } = this.require(name);
    await this.deps.resources.destroyed(name, { keepData: o.keepData === true });
    this.deps.store.transaction(() => {
      this.deps.store.apps.remove(name);
      const kept = o.keepData ? ` (its volumes berth-app-${id}-* and storage folder ${id} kept)` : '';
      this.deps.events.record({ app: name, kind: 'app.destroyed', message: `destroyed ${name}${kept}`, user });
    });
  }
}
