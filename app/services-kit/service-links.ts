import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { ServiceLinkRecord } from '../ports/services';
import type { Store } from '../ports/store';
import { checkAlias } from './names';
import type { ServiceKit } from './service-kit';
import type { AppsReader } from '../apps/apps-reader';

/** A queued re-release (the build the CLI follows), or null when the app has no release yet. */
export type Redeploy = (app: string, reason: string, user: string | null) => Promise<{ id: number } | null>;

export interface LinkResult {
  readonly link: ServiceLinkRecord;
  /** The re-release that gives the app (or takes away) the env var; null when the app was never deployed. */
  readonly build: { id: number } | null;
}

/**
 * Links give an app a service's URL as an env var (DATABASE_URL, …). The URL is not stored
 * in the app's config: it is computed at each container start, so it follows the service.
 */
export class ServiceLinks {
  constructor(private readonly deps: { store: Pick<Store, 'services' | 'transaction'>; apps: AppsReader; kit: ServiceKit; events: EventsService; redeploy: Redeploy }) {}

  async link(o: { plugin: string; name: string; app: string; alias?: string; user: string | null }): Promise<LinkResult> {
    const s = this.deps.kit.find(o.plugin, o.name);
    const plugin = this.deps.kit.plugin(o.plugin);
    if (!this.deps.apps.find(o.app)) throw new BerthError('APP_NOT_FOUND', `There is no app ${o.app}; \`berth apps:list\` shows them.`);
    const alias = checkAlias(o.alias ?? plugin.descriptor.envAlias);
    const links = this.deps.store.services.linksOfApp(o.app);
    if (links.some((l) => l.plugin === s.plugin && l.service === s.name)) {
      throw new BerthError('SERVICE_ALREADY_LINKED', `${s.plugin} service ${s.name} is linked to ${o.app} already.`);
    }
    const taken = links.find((l) => l.alias === alias);
    if (taken) {
      throw new BerthError('SERVICE_ALIAS_TAKEN', `${o.app} gets ${alias} from ${taken.plugin} service ${taken.service} already; link with \`--alias OTHER_URL\`.`);
    }
    const link = this.deps.store.transaction(() => {
      const l = this.deps.store.services.link({ plugin: s.plugin, service: s.name, app: o.app, alias });
      this.deps.events.record({ app: o.app, kind: 'service.linked', message: `linked ${s.plugin} service ${s.name} as ${alias}`, user: o.user });
      return l;
    });
    const build = await this.deps.redeploy(o.app, `link ${s.plugin} ${s.name}`, o.user);
    return { link, build };
  }

  async unlink(o: { plugin: string; name: string; app: string; user: string | null }): Promise<LinkResult> {
    const s = this.deps.kit.find(o.plugin, o.name);
    const link = this.deps.store.services.linksOfApp(o.app).find((l) => l.plugin === s.plugin && l.service === s.name);
    if (!link) throw new BerthError('SERVICE_NOT_LINKED', `${s.plugin} service ${s.name} is not linked to ${o.app}.`);
    this.deps.store.transaction(() => {
      this.deps.store.services.unlink(s.plugin, s.name, o.app);
      this.deps.events.record({ app: o.app, kind: 'service.unlinked', message: `unlinked ${s.plugin} service ${s.name} (${link.alias})`, user: o.user });
    });
    const build = await this.deps.redeploy(o.app, `unlink ${s.plugin} ${s.name}`, o.user);
    return { link, build };
  }

  /** The app's links (plugin, service, alias). */
  ofApp(app: string): ServiceLinkRecord[] {
    return this.deps.store.services.linksOfApp(app);
  }

  /** Env vars for the app's containers: alias → URL of each linked service. Synchronous (called at container start). */
  envFor(app: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const l of this.deps.store.services.linksOfApp(app)) {
      const s = this.deps.store.services.get(l.plugin, l.service);
      if (!s) continue;
      try {
        env[l.alias] = this.deps.kit.urlOf(s);
      } catch {
        // The plugin was disabled or removed: the app starts without that URL rather than not at all.
      }
    }
    return env;
  }
}
