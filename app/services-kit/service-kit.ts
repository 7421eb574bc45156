import { BerthError } from '../errors';
import type { ServiceView } from '../api-contract';
import type { EventsService } from '../events';
import type { ServiceEngine } from '../ports/service-engine';
import type { ServiceRecord } from '../ports/services';
import type { Store } from '../ports/store';
import type { ServiceCatalog, ServicePlugin } from './catalog';
import { defaultUrl, type Credentials, type ServiceHandle } from './descriptor';
import { checkExposePort, checkServiceName, containerNameOf, randomSecret, SERVICE_LABEL, volumeNameOf } from './names';
import { runServiceContainer, waitReady, type ContainerDeps } from './service-container';
import type { SwarmRuntime } from './swarm-runtime';

export interface ServiceKitDeps {
  readonly store: Pick<Store, 'services' | 'transaction'>;
  readonly engine: ServiceEngine;
  readonly events: EventsService;
  readonly catalog: ServiceCatalog;
  readonly network: string;
  /** The networks of the apps linked to a service: a re-created service container joins them again. */
  readonly appNetworksOf?: (plugin: string, name: string) => string[];
  /** Seconds a new or restarted service may take to become ready. Default 120. */
  readonly readyTimeoutSeconds?: number;
  /** Where `create` puts a service unless told (BERTH_SCHEDULER). Default docker-local. */
  readonly defaultScheduler?: 'docker-local' | 'swarm';
  /** Runs services on swarm; absent, only docker-local services can be made. */
  readonly swarm?: SwarmRuntime;
}

/** A service as `<plugin>:info` shows it: the API contract's view (app/api-contract/services.ts). */
export type ServiceInfo = ServiceView;

const STOP_SECONDS = 20;

/**
 * The service kit, written once for every service plugin: containers with a named volume and
 * generated credentials on the berth network (never published, unless exposed on 127.0.0.1),
 * lifecycle, info, upgrade and destroy. Links and backups are in service-links.ts / service-backup.ts.
 */
export class ServiceKit {
  constructor(private readonly deps: ServiceKitDeps) {}

  private get containerDeps(): ContainerDeps {
    return {
      engine: this.deps.engine, network: this.deps.network, appNetworksOf: this.deps.appNetworksOf,
      readyTimeoutSeconds: this.deps.readyTimeoutSeconds ?? 120,
    };
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

  /** The host ports every service is exposed (docker-local) or published (swarm) on: no app may listen there. */
  hostPorts(): number[] {
    return this.deps.store.services.list().flatMap((s) => [s.exposedPort, s.publishedPort]).filter((p): p is number => p !== null);
  }

  async create(o: {
    plugin: string; name: string; image?: string; user: string | null;
    /** Default the kit's defaultScheduler. */
    scheduler?: 'docker-local' | 'swarm';
    /** Swarm placement constraints (checked); none pins the service to this node. */
    placement?: readonly string[];
  }): Promise<ServiceInfo> {
    const plugin = this.plugin(o.plugin);
    const name = checkServiceName(o.name);
    if (this.deps.store.services.get(plugin.id, name)) throw new BerthError('SERVICE_EXISTS', `${plugin.id} service ${name} exists already.`);
    const image = o.image ?? plugin.image;
    await this.requireImage(plugin, image);
    const scheduler = o.scheduler ?? this.deps.defaultScheduler ?? 'docker-local';
    if (scheduler === 'swarm') return this.createOnSwarm({ ...o, plugin, name, image });
    if (o.placement?.length) throw new BerthError('INVALID_PLACEMENT', 'Placement applies to swarm services only: add `--scheduler swarm`.');
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
    const record: ServiceRecord = {
      plugin: plugin.id, name, image, credentials, exposedPort: null, createdAt: new Date().toISOString(),
      scheduler: 'docker-local', placement: [], publishedPort: null, swarmHost: null,
    };
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

  /**
   * Runs the container of a service whose record came back from a backup (`berth backup:restore`):
   * its volume (labelled with the record's credentials, as create does) and container on this
   * berth's network. Its data comes next, through the plugin's import. Docker-local only.
   */
  async revive(s: ServiceRecord): Promise<void> {
    if (s.scheduler === 'swarm') throw new BerthError('SERVICE_UNSUPPORTED', `${s.plugin} service ${s.name} ran on swarm: create it again and import its dump.`);
    const plugin = this.plugin(s.plugin);
    await this.requireImage(plugin, s.image);
    await this.deps.engine.ensureVolume(volumeNameOf(plugin.id, s.name), {
      [SERVICE_LABEL.plugin]: plugin.id, [SERVICE_LABEL.name]: s.name, [SERVICE_LABEL.scope]: this.deps.network,
      [SERVICE_LABEL.credentials]: Buffer.from(JSON.stringify(s.credentials)).toString('base64'),
    });
    // On berth's network only: the apps' own networks come with their deploys, which join their linked services to them.
    await runServiceContainer({ ...this.containerDeps, appNetworksOf: undefined }, { service: s, descriptor: plugin.descriptor });
  }

  /**
   * A swarm service, pinned to one node (docs/swarm.md, "Services on swarm"). Its volume is made
   * where the task runs; on this node berth makes it first, labelled, so a kept volume's credentials
   * are found again as on docker-local. A kept volume on another node cannot be seen from here.
   */
  private async createOnSwarm(o: { plugin: ServicePlugin; name: string; image: string; user: string | null; placement?: readonly string[] }): Promise<ServiceInfo> {
    const { plugin, name, image } = o;
    const taken = this.deps.store.services.list().flatMap((x) => [x.publishedPort, x.exposedPort]).filter((p): p is number => p !== null);
    const plan = await this.swarm().plan({ placement: o.placement ?? [], taken });
    try {
      const volume = volumeNameOf(plugin.id, name);
      const kept = plan.local ? await this.deps.engine.inspectVolume(volume) : null;
      const credentials = kept?.[SERVICE_LABEL.credentials]
        ? JSON.parse(Buffer.from(kept[SERVICE_LABEL.credentials], 'base64').toString('utf8')) as Credentials
        : this.newCredentials(plugin, name);
      if (plan.local) {
        await this.deps.engine.ensureVolume(volume, {
          [SERVICE_LABEL.plugin]: plugin.id, [SERVICE_LABEL.name]: name, [SERVICE_LABEL.scope]: this.deps.network,
          [SERVICE_LABEL.credentials]: Buffer.from(JSON.stringify(credentials)).toString('base64'),
        });
      }
      const record: ServiceRecord = {
        plugin: plugin.id, name, image, credentials, exposedPort: null, createdAt: new Date().toISOString(),
        scheduler: 'swarm', placement: plan.placement, publishedPort: plan.publishedPort, swarmHost: null,
      };
      let place: { host: string | null; node: string | null };
      try {
        place = await this.swarm().run(record, plugin.descriptor);
      } catch (e) {
        await this.swarm().remove(record, !kept).catch(() => undefined);
        throw e;
      }
      this.deps.store.transaction(() => {
        this.deps.store.services.insert({ ...record, swarmHost: place.host });
        this.deps.events.record({
          app: null, kind: 'service.created', user: o.user,
          message: `created ${plugin.id} service ${name} on swarm node ${place.node ?? '?'} (${place.host}:${plan.publishedPort})${kept ? ', reusing kept data' : ''}`,
        });
      });
    } finally {
      this.swarm().unplan(plan.publishedPort);
    }
    return this.info(plugin.id, name);
  }

  async info(pluginId: string, name: string): Promise<ServiceInfo> {
    const s = this.find(pluginId, name);
    const plugin = this.plugin(pluginId);
    const container = containerNameOf(s.plugin, s.name);
    const place = s.scheduler === 'swarm'
      ? await this.swarm().place(s)
      : { state: (await this.deps.engine.inspect(container, this.deps.network))?.state ?? 'missing', node: null, nodeId: null };
    const url = this.urlOf(s);
    const at = this.addressOf(s);
    return {
      plugin: s.plugin, name: s.name, image: s.image, status: place.state, container,
      scheduler: s.scheduler, placement: s.placement, node: place.node, nodeId: place.nodeId ?? null, address: `${at.host}:${at.port}`,
      volume: volumeNameOf(s.plugin, s.name), url,
      exposedUrl: s.exposedPort ? this.url(plugin, s, { host: '127.0.0.1', port: s.exposedPort }) : null,
      exposedPort: s.exposedPort,
      links: this.deps.store.services.linksOfService(s.plugin, s.name).map((l) => ({ app: l.app, alias: l.alias })),
      createdAt: s.createdAt,
    };
  }

  /** The URL linked apps get (on the berth network, or the swarm node's address). */
  urlOf(s: ServiceRecord): string {
    return this.url(this.plugin(s.plugin), s, this.addressOf(s));
  }

  /** Where apps connect: the container on the berth network, or the swarm node's address and fixed port. */
  private addressOf(s: ServiceRecord): { host: string; port: number } {
    if (s.scheduler === 'swarm') return { host: s.swarmHost ?? '127.0.0.1', port: s.publishedPort ?? this.plugin(s.plugin).descriptor.port };
    return { host: containerNameOf(s.plugin, s.name), port: this.plugin(s.plugin).descriptor.port };
  }

  async logs(plugin: string, name: string, tail: number): Promise<string> {
    const s = this.find(plugin, name);
    if (s.scheduler === 'swarm') return this.swarm().logs(s, tail);
    return this.deps.engine.logs(containerNameOf(s.plugin, s.name), tail);
  }

  async stop(plugin: string, name: string): Promise<void> {
    const s = this.find(plugin, name);
    if (s.scheduler === 'swarm') return this.swarm().stop(s);
    await this.deps.engine.stop(containerNameOf(s.plugin, s.name), STOP_SECONDS);
  }

  async start(plugin: string, name: string): Promise<void> {
    const s = this.find(plugin, name);
    if (s.scheduler === 'swarm') return this.noteHost(s, await this.swarm().start(s, this.plugin(plugin).descriptor));
    const container = containerNameOf(s.plugin, s.name);
    if (!(await this.deps.engine.inspect(container, this.deps.network))) return this.recreate(s);
    await this.deps.engine.start(container);
    await waitReady(this.containerDeps, { service: s, descriptor: this.plugin(plugin).descriptor });
  }

  async restart(plugin: string, name: string): Promise<void> {
    const s = this.find(plugin, name);
    if (s.scheduler === 'swarm') return this.noteHost(s, await this.swarm().restart(s, this.plugin(plugin).descriptor));
    await this.deps.engine.restart(containerNameOf(s.plugin, s.name), STOP_SECONDS);
    await waitReady(this.containerDeps, { service: s, descriptor: this.plugin(plugin).descriptor });
  }

  /** Publishes the service on 127.0.0.1:<port> (re-creates the container; data stays in the volume). */
  async expose(o: { plugin: string; name: string; port: number; user: string | null }): Promise<ServiceInfo> {
    const port = checkExposePort(o.port);
    const s = this.find(o.plugin, o.name);
    this.refuseOnSwarm(s, 'expose');
    await this.recreateWith(s, { exposedPort: port }, o.user, `exposed ${o.plugin} service ${o.name} on 127.0.0.1:${port}`);
    return this.info(o.plugin, o.name);
  }

  async unexpose(o: { plugin: string; name: string; user: string | null }): Promise<ServiceInfo> {
    const s = this.find(o.plugin, o.name);
    this.refuseOnSwarm(s, 'unexpose');
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
  async destroy(o: { plugin: string; name: string; confirm: unknown; force: boolean; user: string | null }): Promise<{ dataKept: boolean; volumeLeftOn?: string }> {
    const s = this.find(o.plugin, o.name);
    if (o.confirm !== s.name) {
      throw new BerthError('CONFIRMATION_REQUIRED', `Repeat the service name to destroy it: \`berth ${s.plugin}:destroy ${s.name} --confirm ${s.name}\`.`);
    }
    const links = this.deps.store.services.linksOfService(s.plugin, s.name);
    if (links.length > 0) {
      throw new BerthError('SERVICE_LINKED', `${s.plugin} service ${s.name} is linked to ${links.map((l) => l.app).join(', ')}; unlink it first (\`berth ${s.plugin}:unlink ${s.name} <app>\`).`);
    }
    // On swarm, a volume on another node is out of this engine's reach: say where it stays.
    let leftOn: string | null = null;
    if (s.scheduler === 'swarm') {
      leftOn = await this.swarm().remove(s, o.force);
    } else {
      await this.deps.engine.stop(containerNameOf(s.plugin, s.name), STOP_SECONDS);
      await this.deps.engine.remove(containerNameOf(s.plugin, s.name));
      if (o.force) await this.deps.engine.removeVolume(volumeNameOf(s.plugin, s.name));
    }
    const what = leftOn ? ` (its volume stays on node ${leftOn}: \`docker volume rm ${volumeNameOf(s.plugin, s.name)}\` there)` : o.force ? ' and its data' : ' (data kept)';
    this.deps.store.transaction(() => {
      this.deps.store.services.remove(s.plugin, s.name);
      this.deps.events.record({ app: null, kind: 'service.destroyed', message: `destroyed ${s.plugin} service ${s.name}${what}`, user: o.user });
    });
    return leftOn ? { dataKept: true, volumeLeftOn: leftOn } : { dataKept: !o.force };
  }

  /** Fails (SERVICE_ON_REMOTE_NODE) when berth cannot run commands in the service, before a backup starts. */
  async requireExec(s: ServiceRecord): Promise<void> {
    if (s.scheduler === 'swarm') await this.swarm().requireLocal(s);
  }

  /** A handle the plugin's export/import functions use. */
  handle(s: ServiceRecord): ServiceHandle {
    const container = containerNameOf(s.plugin, s.name);
    return {
      plugin: s.plugin, name: s.name, container, credentials: s.credentials,
      exec: (command, options = {}) => (s.scheduler === 'swarm'
        ? this.swarm().exec(s, { command, ...options })
        : this.deps.engine.exec({ container, command, ...options })),
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
    if (s.scheduler === 'swarm') return this.noteHost(s, await this.swarm().run(s, this.plugin(s.plugin).descriptor));
    await runServiceContainer(this.containerDeps, { service: s, descriptor: this.plugin(s.plugin).descriptor });
  }

  private async recreateWith(s: ServiceRecord, patch: { image?: string; exposedPort?: number | null }, user: string | null, message: string): Promise<void> {
    const next: ServiceRecord = { ...s, ...patch };
    if (s.scheduler !== 'swarm') await this.deps.engine.stop(containerNameOf(s.plugin, s.name), STOP_SECONDS);
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

  private swarm(): SwarmRuntime {
    if (!this.deps.swarm) throw new BerthError('SWARM_NOT_ACTIVE', 'This berth runs no swarm services.');
    return this.deps.swarm;
  }

  private refuseOnSwarm(s: ServiceRecord, action: string): void {
    if (s.scheduler !== 'swarm') return;
    const at = this.addressOf(s);
    throw new BerthError('SERVICE_UNSUPPORTED', `${s.plugin} service ${s.name} runs on swarm, published on ${at.host}:${at.port} already; ${action} applies to docker-local services.`);
  }

  /** Keeps the node address apps get in step with where the task runs (a node can change address). */
  private noteHost(s: ServiceRecord, place: { host: string | null }): void {
    if (place.host && place.host !== s.swarmHost) this.deps.store.services.update(s.plugin, s.name, { swarmHost: place.host });
  }
}
