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
  insert(service: Omit<ServiceRecord, 'createdAt' | 'exposedPort'>): ServiceRecord;
  get(plugin: string, name: string): ServiceRecord | null;
  list(plugin?: string): ServiceRecord[];
  update(plugin: string, name: string, patch: Partial<Pick<ServiceRecord, 'image' | 'exposedPort'>>): ServiceRecord;
  /** Removes the service and its links. */
  remove(plugin: string, name: string): void;
  link(link: Omit<ServiceLinkRecord, 'createdAt'>): ServiceLinkRecord;
  unlink(plugin: string, service: string, app: string): boolean;
  linksOfService(plugin: string, service: string): ServiceLinkRecord[];
  linksOfApp(app: string): ServiceLinkRecord[];
}
