import type { LogDrainRecord, LogDrainsStore } from '../../../app/ports/log-drains';

/**
 * The LogDrainsStore port in memory, for unit tests, as infra/sqlite keeps it: ids never reused
 * (AUTOINCREMENT), lists in the order added, an app's drains refused for a missing app, following
 * its rename and going with it; global drains (app null) stay. The apps it knows are the test's
 * (addApp/renameApp/removeApp). test/conformance/log-drains.ts holds it and SQLite's to one contract.
 */
export class InMemoryLogDrains implements LogDrainsStore {
  private readonly apps = new Set<string>();
  private drains: LogDrainRecord[] = [];
  private lastId = 0;

  addApp(name: string): void { this.apps.add(name); }

  renameApp(from: string, to: string): void {
    if (!this.apps.delete(from)) return;
    this.apps.add(to);
    this.drains = this.drains.map((d) => (d.app === from ? { ...d, app: to } : d));
  }

  removeApp(name: string): void {
    this.apps.delete(name);
    this.drains = this.drains.filter((d) => d.app !== name);
  }

  add(d: { app: string | null; url: string; privileged: boolean }): LogDrainRecord {
    if (d.app !== null && !this.apps.has(d.app)) throw new Error('FOREIGN KEY constraint failed');
    this.lastId += 1;
    const drain: LogDrainRecord = { id: this.lastId, app: d.app, url: d.url, privileged: d.privileged, createdAt: new Date().toISOString() };
    this.drains.push(drain);
    return { ...drain };
  }

  list(app?: string | null): LogDrainRecord[] {
    return this.drains.filter((d) => app === undefined || d.app === app).map((d) => ({ ...d }));
  }

  remove(id: number): boolean {
    const before = this.drains.length;
    this.drains = this.drains.filter((d) => d.id !== id);
    return this.drains.length < before;
  }
}
