import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { ServiceEngine } from '../ports/service-engine';
import type { ServiceRecord } from '../ports/services';
import type { Store } from '../ports/store';
import type { ServiceCatalog, ServicePlugin } from './catalog';
import { defaultUrl, type Credentials, type ServiceHandle } from './descriptor';
import { checkExposePort, checkServiceName, containerNameOf, randomSecret, SERVICE_LABEL, volumeNameOf } from './names';
import { runServiceContainer, waitReady, type ContainerDeps } from './service-container';

export interface ServiceKitDeps {
  readonly store: Store;
  readonly engine: ServiceEngine;
  readonly events: EventsService;
  readonly catalog: ServiceCatalog;
  readonly network: string;
  /** Seconds a new or restarted service may take to become ready. Default 120. */
  readonly readyTimeoutSeconds?: number;
}

export interface ServiceInfo {
  readonly plugin: string;
  readonly name: string;
  readonly image: string;
  readonly status: string;
  readonly container: string;
  readonly volume: string;
  /** The URL linked apps get. */
  readonly url: string;
  /** The URL through the loopback port, when exposed. */
  readonly exposedUrl: string | null;
  readonly exposedPort: number | null;
  readonly links: ReadonlyArray<{ app: string; alias: string }>;
  readonly createdAt: string;
}

const STOP_SECONDS = 20;

/**
 * The service kit, written once for every service plugin: containers with a named volume and
 * generated credentials on the berth network (never published, unless exposed on 127.0.0.1),
 * lifecycle, info, upgrade and destroy. Links and backups are in service-links.ts / service-backup.ts.
 */
export class ServiceKit {
  constructor(private readonly deps: ServiceKitDeps) {}

  private get containerDeps(): ContainerDeps {
    return { engine: this.deps.engine, network: this.deps.network, readyTimeoutSeconds: this.deps.readyTimeoutSeconds ?? 120 };
  }

  plugin(id: string): ServicePlugin { return this.deps.catalog.get(id); }

  /** The service record; SERVICE_NOT_FOUND when absent. */
  find(plugin: string, name: string): ServiceRecord {
    this.plugin(plugin);
    const s = this.deps.store.services.get(plugin, checkServiceName(name));
    if (!s) throw new BerthError('SERVICE_NOT_FOUND', `There is no ${plugin} service ${name}; \`berth ${plugin}:create ${name}\` makes one.`);
    return s;
  }

  list(plugin: string): ServiceRecord[] {
    this.plugin(plugin);
    return this.deps.store.services.list(plugin);
  }

  async create(o: { plugin: string; name: string; image?: string; user: string | null }): Promise<ServiceInfo> {
    const plugin = this.plugin(o.plugin);
    const name = checkServiceName(o.name);
    if (this.deps.store.services.get(plugin.id, name)) throw new BerthError('SERVICE_EXISTS', `${plugin.id} service ${name} exists already.`);
    const image = o.image ?? plugin.image;
    await this.requireImage(plugin, image);
    const volume = volumeNameOf(plugin.id, name);
    // A volume kept by an earlier destroy holds data made with its credentials: reuse them.
    const kept = await this.deps.engine.inspectVolume(volume);
    const credentials = kept?.[SERVICE_LABEL.credentials]
      ? JSON.parse(Buffer.from(kept[SERVICE_LABEL.credentials], 'base64').toString('utf8')) as Credentials
      : this.newCredentials(plugin, name);
    await this.deps.engine.ensureVolume(volume, {
      [SERVICE_LABEL.plugin]: plugin.id, [SERVICE_LABEL.name]: name, [SERVICE_LABEL.scope]: this.deps.network,
      [SERVICE_LABEL.credentials]: Buffer.from(JSON.stringify(credentials)).toString('base64'),
    });
    const record: ServiceRecord = { plugin: plugin.id, name, image, credentials, exposedPort: null, createdAt: new Date().toISOString() };
    try {
      await runServiceContainer(this.containerDeps, { service: record, descriptor: plugin.descriptor });
    } catch (e) {
      await this.deps.engine.remove(containerNameOf(plugin.id, name)).catch(() => undefined);
      if (!kept) await this.deps.engine.removeVolume(volume).catch(() => undefined);
      throw e;
    }
    this.deps.store.transaction(() => {
      this.deps.store.services.insert({ plugin: plugin.id, name, image, credentials });
      this.deps.events.record({ app: null, kind: 'service.created', message: `created ${plugin.id} service ${name}${kept ? ' (reusing kept data)' : ''}`, user: o.user });
    });
    return this.info(plugin.id, name);
  }

  async info(pluginId: string, name: string): Promise<ServiceInfo> {
    const s = this.find(pluginId, name);
    const plugin = this.plugin(pluginId);
    const container = containerNameOf(s.plugin, s.name);
    const state = await this.deps.engine.inspect(container, this.deps.network);
    const url = this.urlOf(s);
    return {
      plugin: s.plugin, name: s.name, image: s.image, status: state?.state ?? 'missing', container,
      volume: volumeNameOf(s.plugin, s.name), url,
      exposedUrl: s.exposedPort ? this.url(plugin, s, { host: '127.0.0.1', port: s.exposedPort }) : null,
      exposedPort: s.exposedPort,
      links: this.deps.store.services.linksOfService(s.plugin, s.name).map((l) => ({ app: l.app, alias: l.alias })),
      createdAt: s.createdAt,
    };
  }

  /** The URL apps on the berth network use. */
  urlOf(s: ServiceRecord): string {
    const plugin = this.plugin(s.plugin);
    return this.url(plugin, s, { host: containerNameOf(s.plugin, s.name), port: plugin.descriptor.port });
  }

  async logs(plugin: string, name: string, tail: number): Promise<string> {
    const s = this.find(plugin, name);
    return this.deps.engine.logs(containerNameOf(s.plugin, s.name), tail);
  }

  async stop(plugin: string, name: string): Promise<void> {
    const s = this.find(plugin, name);
    await this.deps.engine.stop(containerNameOf(s.plugin, s.name), STOP_SECONDS);
  }

  async start(plugin: string, name: string): Promise<void> {
    const s = this.find(plugin, name);
    const container = containerNameOf(s.plugin, s.name);
    if (!(await this.deps.engine.inspect(container, this.deps.network))) return this.recreate(s);
    await this.deps.engine.start(container);
    await waitReady(this.containerDeps, { service: s, descriptor: this.plugin(plugin).descriptor });
  }

  async restart(plugin: string, name: string): Promise<void> {
    const s = this.find(plugin, name);
    await this.deps.engine.restart(containerNameOf(s.plugin, s.name), STOP_SECONDS);
    await waitReady(this.containerDeps, { service: s, descriptor: this.plugin(plugin).descriptor });
  }

  /** Publishes the service on 127.0.0.1:<port> (re-creates the container; data stays in the volume). */
  async expose(o: { plugin: string; name: string; port: number; user: string | null }): Promise<ServiceInfo> {
    const port = checkExposePort(o.port);
    const s = this.find(o.plugin, o.name);
    await this.recreateWith(s, { exposedPort: port }, o.user, `exposed ${o.plugin} service ${o.name} on 127.0.0.1:${port}`);
    return this.info(o.plugin, o.name);
  }

  async unexpose(o: { plugin: string; name: string; user: string | null }): Promise<ServiceInfo> {
    const s = this.find(o.plugin, o.name);
    await this.recreateWith(s, { exposedPort: null }, o.user, `unexposed ${o.plugin} service ${o.name}`);
    return this.info(o.plugin, o.name);
  }

  /** Runs the service on another image, same data. A failure goes back to the old image. */
  async upgrade(o: { plugin: string; name: string; image?: string; user: string | null }): Promise<ServiceInfo> {
    const s = this.find(o.plugin, o.name);
    const plugin = this.plugin(o.plugin);
    const image = o.image ?? plugin.image;
    await this.requireImage(plugin, image);
    await this.recreateWith(s, { image }, o.user, `upgraded ${o.plugin} service ${o.name} from ${s.image} to ${image}`);
    return this.info(o.plugin, o.name);
  }

  /** Removes the container; the data volume too only with `force`. Linked services are refused. */
  async destroy(o: { plugin: string; name: string; confirm: unknown; force: boolean; user: string | null }): Promise<{ dataKept: boolean }> {
    const s = this.find(o.plugin, o.name);
    if (o.confirm !== s.name) {
      throw new BerthError('CONFIRMATION_REQUIRED', `Repeat the service name to destroy it: \`berth ${s.plugin}:destroy ${s.name} --confirm ${s.name}\`.`);
    }
    const links = this.deps.store.services.linksOfService(s.plugin, s.name);
    if (links.length > 0) {
      throw new BerthError('SERVICE_LINKED', `${s.plugin} service ${s.name} is linked to ${links.map((l) => l.app).join(', ')}; unlink it first (\`berth ${s.plugin}:unlink ${s.name} <app>\`).`);
    }
    await this.deps.engine.stop(containerNameOf(s.plugin, s.name), STOP_SECONDS);
    await this.deps.engine.remove(containerNameOf(s.plugin, s.name));
    if (o.force) await this.deps.engine.removeVolume(volumeNameOf(s.plugin, s.name));
    this.deps.store.transaction(() => {
      this.deps.store.services.remove(s.plugin, s.name);
      this.deps.events.record({ app: null, kind: 'service.destroyed', message: `destroyed ${s.plugin} service ${s.name}${o.force ? ' and its data' : ' (data kept)'}`, user: o.user });
    });
    return { dataKept: !o.force };
  }

  /** A handle the plugin's export/import functions use. */
  handle(s: ServiceRecord): ServiceHandle {
    const container = containerNameOf(s.plugin, s.name);
    return {
      plugin: s.plugin, name: s.name, container, credentials: s.credentials,
      exec: (command, options = {}) => this.deps.engine.exec({ container, command, ...options }),
      restart: () => this.restart(s.plugin, s.name),
    };
  }

  private url(plugin: ServicePlugin, s: ServiceRecord, at: { host: string; port: number }): string {
    const o = { ...at, credentials: s.credentials };
    return plugin.descriptor.connectionUrl ? plugin.descriptor.connectionUrl(o) : defaultUrl(plugin.descriptor.scheme, o);
  }

  private newCredentials(plugin: ServicePlugin, name: string): Credentials {
    // One fixed user name: derived ones can hit reserved prefixes (postgres refuses roles named pg_*).
    const base = { name, user: 'berth', password: randomSecret(), database: name.replace(/-/g, '_') };
    return { user: base.user, password: base.password, database: base.database, ...(plugin.descriptor.credentials?.(base) ?? {}) };
  }

  private async requireImage(plugin: ServicePlugin, image: string): Promise<void> {
    if (await this.deps.engine.imageExists(image)) return;
    const how = plugin.imageScript ? `build it with \`bash ${plugin.imageScript}\`` : 'build or load it first';
    throw new BerthError('SERVICE_IMAGE_MISSING', `The image ${image} of ${plugin.id} is not on this host: ${how}.`);
  }

  private async recreate(s: ServiceRecord): Promise<void> {
    await runServiceContainer(this.containerDeps, { service: s, descriptor: this.plugin(s.plugin).descriptor });
  }

  private async recreateWith(s: ServiceRecord, patch: { image?: string; exposedPort?: number | null }, user: string | null, message: string): Promise<void> {
    const next: ServiceRecord = { ...s, ...patch };
    await this.deps.engine.stop(containerNameOf(s.plugin, s.name), STOP_SECONDS);
    try {
      await this.recreate(next);
    } catch (e) {
      await this.recreate(s).catch(() => undefined);
      throw e;
    }
    this.deps.store.transaction(() => {
      this.deps.store.services.update(s.plugin, s.name, patch);
      this.deps.events.record({ app: null, kind: 'service.changed', message, user });
    });
  }
}
