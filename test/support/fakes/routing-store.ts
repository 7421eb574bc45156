import type {
  CertRecord, CertsStore, GlobalDomainsStore, PortMappingRecord, PortsStore, RouterSettingsStore,
} from '../../../app/ports/routing-store';

const fkError = (): Error => new Error('FOREIGN KEY constraint failed');
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The apps a per-app table knows: the test makes, renames and removes them as berth's apps table does. */
interface AppRows {
  addApp(name: string): void;
  renameApp(from: string, to: string): void;
  removeApp(name: string): void;
}

/**
 * A per-app key/value settings table in memory (router_settings, and build_settings, deploy_settings,
 * review_apps, which infra/sqlite keeps in the same shape): unsets applied before sets, apps listed by
 * name, a missing app's setting refused, an app's settings following its rename and going with it.
 */
export class InMemoryAppSettings implements RouterSettingsStore, AppRows {
  private readonly apps = new Set<string>();
  private readonly rows = new Map<string, Record<string, string>>();

  addApp(name: string): void { this.apps.add(name); }
  renameApp(from: string, to: string): void {
    if (!this.apps.delete(from)) return;
    this.apps.add(to);
    const r = this.rows.get(from);
    this.rows.delete(from);
    if (r) this.rows.set(to, r);
  }
  removeApp(name: string): void { this.apps.delete(name); this.rows.delete(name); }

  get(app: string): Record<string, string> { return { ...(this.rows.get(app) ?? {}) }; }

  apply(app: string, set: Readonly<Record<string, string>>, unset: readonly string[]): void {
    if (Object.keys(set).length > 0 && !this.apps.has(app)) throw fkError();
    const next = { ...(this.rows.get(app) ?? {}) };
    for (const k of unset) delete next[k];
    Object.assign(next, set);
    this.rows.set(app, next);
  }

  appsWith(key: string, value: string): string[] {
    return [...this.rows].filter(([, r]) => r[key] === value).map(([a]) => a).sort(byText);
  }
}

/**
 * The router's tables in memory, for unit tests, as infra/sqlite keeps them (test/conformance/routing-store.ts
 * holds both to one contract): global domains sorted and added once; an app's port mappings replaced whole,
 * duplicates kept once, listed by scheme, host port, container port; its router settings (InMemoryAppSettings);
 * one certificate per app, replaced by the next put with a new updatedAt. Per-app rows of a missing app are
 * refused and follow the app's rename and go with it (addApp/renameApp/removeApp are the test's).
 */
export class InMemoryRouting implements AppRows {
  private readonly apps = new Set<string>();
  private readonly domains = new Set<string>();
  private readonly portRows = new Map<string, PortMappingRecord[]>();
  private readonly certRows = new Map<string, CertRecord>();
  readonly routerSettings = new InMemoryAppSettings();

  addApp(name: string): void { this.apps.add(name); this.routerSettings.addApp(name); }

  renameApp(from: string, to: string): void {
    if (!this.apps.delete(from)) return;
    this.apps.add(to);
    this.routerSettings.renameApp(from, to);
    const ports = this.portRows.get(from);
    this.portRows.delete(from);
    if (ports) this.portRows.set(to, ports);
    const cert = this.certRows.get(from);
    this.certRows.delete(from);
    if (cert) this.certRows.set(to, { ...cert, app: to });
  }

  removeApp(name: string): void {
    this.apps.delete(name);
    this.routerSettings.removeApp(name);
    this.portRows.delete(name);
    this.certRows.delete(name);
  }

  readonly globalDomains: GlobalDomainsStore = {
    list: () => [...this.domains].sort(byText),
    add: (domain) => { this.domains.add(domain); },
    remove: (domain) => { this.domains.delete(domain); },
  };

  readonly ports: PortsStore = {
    list: (app) => (this.portRows.get(app) ?? []).map((m) => ({ ...m })),
    replace: (app, mappings) => {
      if (mappings.length > 0 && !this.apps.has(app)) throw fkError();
      const key = (m: PortMappingRecord) => `${m.scheme} ${m.hostPort} ${m.containerPort}`;
      const once = new Map(mappings.map((m) => [key(m), { scheme: m.scheme, hostPort: m.hostPort, containerPort: m.containerPort }]));
      const sorted = [...once.values()].sort((a, b) => byText(a.scheme, b.scheme) || a.hostPort - b.hostPort || a.containerPort - b.containerPort);
      this.portRows.set(app, sorted);
    },
  };

  readonly certs: CertsStore = {
    get: (app) => { const c = this.certRows.get(app); return c ? { ...c, domains: [...c.domains] } : null; },
    list: () => [...this.certRows.keys()].sort(byText).map((a) => this.certs.get(a)!),
    put: (cert) => {
      if (!this.apps.has(cert.app)) throw fkError();
      const record: CertRecord = { ...cert, domains: [...cert.domains], updatedAt: new Date().toISOString() };
      this.certRows.set(cert.app, record);
      return this.certs.get(cert.app)!;
    },
    remove: (app) => { this.certRows.delete(app); },
  };
}
