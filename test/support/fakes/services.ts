import { BerthError } from '../../../app/errors';
import type { ServiceLinkRecord, ServiceRecord, ServicesStore } from '../../../app/ports/services';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const key = (plugin: string, name: string): string => `${plugin}\u0000${name}`;
const copy = (s: ServiceRecord): ServiceRecord => ({ ...s, credentials: { ...s.credentials }, placement: [...s.placement] });

/**
 * The services port in memory, for unit tests, as infra/sqlite keeps it (test/conformance/services.ts holds both
 * to one contract): SERVICE_EXISTS / SERVICE_NOT_FOUND as SQLite's adapter throws them, defaults for the scheduler
 * fields, lists by plugin then name, links refused for a missing app or service, twice for one app and service, or
 * with an alias the app already has; an app's links following its rename and going with it, a service's going with
 * the service. The apps it knows are the test's (addApp/renameApp/removeApp).
 */
export class InMemoryServices implements ServicesStore {
  private readonly apps = new Set<string>();
  private readonly services = new Map<string, ServiceRecord>();
  private links: ServiceLinkRecord[] = [];

  addApp(name: string): void { this.apps.add(name); }
  renameApp(from: string, to: string): void {
    if (!this.apps.delete(from)) return;
    this.apps.add(to);
    this.links = this.links.map((l) => (l.app === from ? { ...l, app: to } : l));
  }
  removeApp(name: string): void {
    this.apps.delete(name);
    this.links = this.links.filter((l) => l.app !== name);
  }

  insert(s: Parameters<ServicesStore['insert']>[0]): ServiceRecord {
    if (this.services.has(key(s.plugin, s.name))) throw new BerthError('SERVICE_EXISTS', `${s.plugin} service ${s.name} exists already.`);
    const record: ServiceRecord = {
      plugin: s.plugin, name: s.name, image: s.image, credentials: { ...s.credentials }, exposedPort: null,
      scheduler: s.scheduler ?? 'docker-local', placement: [...(s.placement ?? [])], publishedPort: s.publishedPort ?? null,
      swarmHost: s.swarmHost ?? null, createdAt: new Date().toISOString(),
    };
    this.services.set(key(s.plugin, s.name), record);
    return copy(record);
  }

  get(plugin: string, name: string): ServiceRecord | null {
    const s = this.services.get(key(plugin, name));
    return s ? copy(s) : null;
  }

  list(plugin?: string): ServiceRecord[] {
    return [...this.services.values()].filter((s) => plugin === undefined || s.plugin === plugin)
      .sort((a, b) => byText(a.plugin, b.plugin) || byText(a.name, b.name)).map(copy);
  }

  update(plugin: string, name: string, patch: Partial<Pick<ServiceRecord, 'image' | 'exposedPort' | 'swarmHost'>>): ServiceRecord {
    const s = this.services.get(key(plugin, name));
    if (!s) throw new BerthError('SERVICE_NOT_FOUND', `There is no ${plugin} service ${name}.`);
    const next: ServiceRecord = {
      ...s,
      ...(patch.image !== undefined ? { image: patch.image } : {}),
      ...(patch.exposedPort !== undefined ? { exposedPort: patch.exposedPort } : {}),
      ...(patch.swarmHost !== undefined ? { swarmHost: patch.swarmHost } : {}),
    };
    this.services.set(key(plugin, name), next);
    return copy(next);
  }

  remove(plugin: string, name: string): void {
    this.services.delete(key(plugin, name));
    this.links = this.links.filter((l) => !(l.plugin === plugin && l.service === name));
  }

  link(l: Omit<ServiceLinkRecord, 'createdAt'>): ServiceLinkRecord {
    if (!this.apps.has(l.app) || !this.services.has(key(l.plugin, l.service))) throw new Error('FOREIGN KEY constraint failed');
    if (this.links.some((x) => x.plugin === l.plugin && x.service === l.service && x.app === l.app)) {
      throw new Error('UNIQUE constraint failed: service_links.plugin, service_links.service, service_links.app');
    }
    if (this.links.some((x) => x.app === l.app && x.alias === l.alias)) throw new Error('UNIQUE constraint failed: service_links.app, service_links.alias');
    const link: ServiceLinkRecord = { plugin: l.plugin, service: l.service, app: l.app, alias: l.alias, createdAt: new Date().toISOString() };
    this.links.push(link);
    return { ...link };
  }

  unlink(plugin: string, service: string, app: string): boolean {
    const before = this.links.length;
    this.links = this.links.filter((l) => !(l.plugin === plugin && l.service === service && l.app === app));
    return this.links.length < before;
  }

  linksOfService(plugin: string, service: string): ServiceLinkRecord[] {
    return this.links.filter((l) => l.plugin === plugin && l.service === service).sort((a, b) => byText(a.app, b.app)).map((l) => ({ ...l }));
  }

  /** As SQLite orders them: by link time, then plugin and service (links made in one millisecond). */
  linksOfApp(app: string): ServiceLinkRecord[] {
    return this.links.filter((l) => l.app === app)
      .sort((a, b) => byText(a.createdAt, b.createdAt) || byText(a.plugin, b.plugin) || byText(a.service, b.service)).map((l) => ({ ...l }));
  }
}
