import type { MountRecord, MountsStore } from '../../../app/ports/process-state';

/**
 * The storage mounts' table in memory, for unit tests, as infra/sqlite keeps it (test/conformance/mounts.ts holds
 * both to one contract): one mount per app and target, listed by target; a missing app's mount refused; an app's
 * mounts following its rename and going with it. The apps it knows are the test's (addApp/renameApp/removeApp).
 */
export class InMemoryMounts implements MountsStore {
  private readonly apps = new Set<string>();
  private mounts: MountRecord[] = [];

  addApp(name: string): void { this.apps.add(name); }
  renameApp(from: string, to: string): void {
    if (!this.apps.delete(from)) return;
    this.apps.add(to);
    this.mounts = this.mounts.map((m) => (m.app === from ? { ...m, app: to } : m));
  }
  removeApp(name: string): void {
    this.apps.delete(name);
    this.mounts = this.mounts.filter((m) => m.app !== name);
  }

  list(app: string): MountRecord[] {
    return this.mounts.filter((m) => m.app === app).sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)).map((m) => ({ ...m }));
  }

  add(mount: Omit<MountRecord, 'createdAt'>): MountRecord {
    if (this.mounts.some((m) => m.app === mount.app && m.target === mount.target)) throw new Error('UNIQUE constraint failed: storage_mounts.app, storage_mounts.target');
    if (!this.apps.has(mount.app)) throw new Error('FOREIGN KEY constraint failed');
    const record: MountRecord = { app: mount.app, source: mount.source, target: mount.target, createdAt: new Date().toISOString() };
    this.mounts.push(record);
    return { ...record };
  }

  remove(app: string, target: string): boolean {
    const before = this.mounts.length;
    this.mounts = this.mounts.filter((m) => !(m.app === app && m.target === target));
    return this.mounts.length < before;
  }
}
