import type { DrainRecord, DrainSettings, DrainSettingsStore, DrainsStore } from '../../../app/ports/drains';

const order = (a: DrainRecord, b: DrainRecord) => (a.since === b.since ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.since < b.since ? -1 : 1);

/**
 * The retiring containers' table in memory, for unit tests, as infra/sqlite keeps it: keyed by
 * container, a second add of a draining container ignored, listed by since then name, no tie to the
 * apps table (a destroyed app's containers still get retired). test/conformance/drains.ts holds it
 * and SQLite's to one contract.
 */
export class InMemoryDrains implements DrainsStore {
  private readonly rows = new Map<string, DrainRecord>();

  add(rows: readonly Omit<DrainRecord, 'phase' | 'stoppingAt'>[]): void {
    for (const r of rows) if (!this.rows.has(r.containerId)) this.rows.set(r.containerId, { ...r, phase: 'draining', stoppingAt: null });
  }

  list(app?: string): DrainRecord[] {
    return [...this.rows.values()].filter((r) => app === undefined || r.app === app).sort(order).map((r) => ({ ...r }));
  }

  has(containerId: string): boolean { return this.rows.has(containerId); }

  markStopping(containerId: string, at: string): void {
    const r = this.rows.get(containerId);
    if (r) this.rows.set(containerId, { ...r, phase: 'stopping', stoppingAt: at });
  }

  remove(containerId: string): void { this.rows.delete(containerId); }
}

const DEFAULTS: DrainSettings = { retireWaitSeconds: null, stopTimeoutSeconds: null };

/**
 * Per-app drain settings in memory, as infra/sqlite keeps them: nulls for an app with none, a patch
 * merged, refused for a missing app, following its rename and going with it. The apps it knows are
 * the test's (addApp/renameApp/removeApp). test/conformance/drains.ts holds it to SQLite's contract.
 */
export class InMemoryDrainSettings implements DrainSettingsStore {
  private readonly apps = new Set<string>();
  private readonly settings = new Map<string, DrainSettings>();

  addApp(name: string): void { this.apps.add(name); }

  renameApp(from: string, to: string): void {
    if (!this.apps.delete(from)) return;
    this.apps.add(to);
    const s = this.settings.get(from);
    this.settings.delete(from);
    if (s) this.settings.set(to, s);
  }

  removeApp(name: string): void {
    this.apps.delete(name);
    this.settings.delete(name);
  }

  get(app: string): DrainSettings { return { ...(this.settings.get(app) ?? DEFAULTS) }; }

  set(app: string, patch: Partial<DrainSettings>): DrainSettings {
    if (!this.apps.has(app)) throw new Error('FOREIGN KEY constraint failed');
    const next = { ...this.get(app), ...patch };
    this.settings.set(app, next);
    return { ...next };
  }
}
