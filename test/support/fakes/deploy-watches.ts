import type { DeployWatchRecord, DeployWatchesStore, WatchStatus } from '../../../app/ports/deploy-watches';

type Finished = Exclude<WatchStatus, 'watching'>;

/**
 * The DeployWatchesStore port in memory, for unit tests, as infra/sqlite keeps it: one watch per
 * app and release, `finish` the one check-and-set from `watching`, a watch of a missing app refused,
 * an app's watches following its rename and going with it (the apps it knows are the test's:
 * addApp/renameApp/removeApp). test/conformance/deploy-watches.ts holds it and SQLite's to one contract.
 */
export class InMemoryDeployWatches implements DeployWatchesStore {
  private readonly apps = new Set<string>();
  private watches = new Map<string, DeployWatchRecord>();

  addApp(name: string): void { this.apps.add(name); }

  renameApp(from: string, to: string): void {
    if (!this.apps.delete(from)) return;
    this.apps.add(to);
    this.watches = new Map([...this.watches.values()].map((w) => (w.app === from ? { ...w, app: to } : w)).map((w) => [key(w.app, w.version), w]));
  }

  removeApp(name: string): void {
    this.apps.delete(name);
    this.watches = new Map([...this.watches].filter(([, w]) => w.app !== name));
  }

  put(w: Omit<DeployWatchRecord, 'status' | 'reason' | 'updatedAt'>): void {
    // SQLite's foreign key: a watch of an app that does not exist is refused.
    if (!this.apps.has(w.app)) throw new Error('FOREIGN KEY constraint failed');
    this.watches.set(key(w.app, w.version), { ...w, status: 'watching', reason: null, updatedAt: w.startedAt });
  }

  get(app: string, version: number): DeployWatchRecord | null {
    const w = this.watches.get(key(app, version));
    return w ? { ...w } : null;
  }

  active(): DeployWatchRecord[] {
    return [...this.watches.values()].filter((w) => w.status === 'watching')
      .sort((a, b) => cmp(a.startedAt, b.startedAt) || cmp(a.app, b.app)).map((w) => ({ ...w }));
  }

  list(app: string, limit: number): DeployWatchRecord[] {
    return [...this.watches.values()].filter((w) => w.app === app).sort((a, b) => b.version - a.version).slice(0, limit).map((w) => ({ ...w }));
  }

  finish(app: string, version: number, status: Finished, reason: string | null, at: string): boolean {
    const w = this.watches.get(key(app, version));
    if (!w || w.status !== 'watching') return false;
    this.watches.set(key(app, version), { ...w, status, reason, updatedAt: at });
    return true;
  }

  amend(app: string, version: number, status: Finished, reason: string | null, at: string): void {
    const w = this.watches.get(key(app, version));
    if (w) this.watches.set(key(app, version), { ...w, status, reason, updatedAt: at });
  }
}

const key = (app: string, version: number) => `${app}\n${version}`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
