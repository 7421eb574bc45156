/** Services (databases, caches) and their links to apps. infra/sqlite implements it. */

export interface ServiceRecord {
  /** Id of the service plugin, e.g. `postgres`. */
  readonly plugin: string;
  readonly name: string;
  /** Image the container runs. */
  readonly image: string;
  /** Generated at create: user, password, database, … (plugin-specific keys). */
  readonly credentials: Readonly<Record<string, string>>;
  /** Host port on 127.0.0.1 the service is exposed on, or null. */
  readonly exposedPort: number | null;
  /** Where it runs: one local container, or one swarm service (docs/swarm.md, "Services on swarm"). */
  readonly scheduler: 'docker-local' | 'swarm';
  /** Swarm placement constraints (always at least one on swarm: berth pins the task to a node). */
  readonly placement: readonly string[];
  /** Swarm: the fixed host-mode port the task publishes on its node. */
  readonly publishedPort: number | null;
  /** Swarm: the address of the node its task last ran on (the host of the URL apps get). */
  readonly swarmHost: string | null;
  readonly createdAt: string;
}

export interface ServiceLinkRecord {
  readonly plugin: string;
  readonly service: string;
  readonly app: string;
  /** The env var the app gets, e.g. `DATABASE_URL`. */
  readonly alias: string;
  readonly createdAt: string;
}

export interface ServicesStore {
  insert(service: Omit<ServiceRecord, 'createdAt' | 'exposedPort' | 'scheduler' | 'placement' | 'publishedPort' | 'swarmHost'>
    & Partial<Pick<ServiceRecord, 'scheduler' | 'placement' | 'publishedPort' | 'swarmHost'>>): ServiceRecord;
  get(plugin: string, name: string): ServiceRecord | null;
  list(plugin?: string): ServiceRecord[];
  update(plugin: string, name: string, patch: Partial<Pick<ServiceRecord, 'image' | 'exposedPort' | 'swarmHost'>>): ServiceRecord;
  /** Removes the service and its links. */
  remove(plugin: string, name: string): void;
  link(link: Omit<ServiceLinkRecord, 'createdAt'>): ServiceLinkRecord;
  unlink(plugin: string, service: string, app: string): boolean;
  linksOfService(plugin: string, service: string): ServiceLinkRecord[];
  linksOfApp(app: string): ServiceLinkRecord[];
}
