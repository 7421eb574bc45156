import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors';
import type { MountRecord } from '../ports/process-state';
import type { Store } from '../ports/store';
import type { EventsService } from '../events';
import { hostRoot, parseMountSpec } from './mount-spec';

export interface MountView extends MountRecord {
  readonly kind: 'volume' | 'host';
}

/**
 * Persistent storage for an app: named docker volumes or folders under `$BERTH_HOME/storage/<app>`,
 * mounted into every container of the app. Mounts are stored, so they survive redeploys,
 * rollbacks and restarts; a change applies to containers started after it (`ps:restart`).
 */
export class StorageService {
  constructor(private readonly deps: { store: Store; events: EventsService; storageDir: string }) {}

  list(app: string): MountView[] {
    this.requireApp(app);
    return this.deps.store.mounts.list(app).map((m) => ({ ...m, kind: m.source.startsWith('/') ? 'host' : 'volume' }));
  }

  mount(app: string, spec: string, user: string | null): MountView {
    this.requireApp(app);
    const parsed = parseMountSpec(spec, { app, storageDir: this.deps.storageDir });
    const existing = this.deps.store.mounts.list(app).find((m) => m.target === parsed.target);
    if (existing) {
      throw new BerthError('STORAGE_MOUNT_EXISTS', `${app} already mounts ${existing.source} at ${parsed.target}; unmount it first.`);
    }
    if (parsed.kind === 'host') this.ensureHostDir(app, parsed.source);
    const record = this.deps.store.mounts.add({ app, source: parsed.source, target: parsed.target });
    this.deps.events.record({ app, kind: 'storage.changed', message: `mounted ${parsed.source} at ${parsed.target}`, user });
    return { ...record, kind: parsed.kind };
  }

  /** `spec` is the mount as given to mount, or just its container path. */
  unmount(app: string, spec: string, user: string | null): MountView {
    this.requireApp(app);
    const target = spec.startsWith('/') && !spec.includes(':') ? spec : parseMountSpec(spec, { app, storageDir: this.deps.storageDir }).target;
    const found = this.list(app).find((m) => m.target === target);
    if (!found) throw new BerthError('STORAGE_MOUNT_NOT_FOUND', `${app} has no mount at ${target}; \`berth storage:list ${app}\` shows its mounts.`);
    if (spec.includes(':') && parseMountSpec(spec, { app, storageDir: this.deps.storageDir }).source !== found.source) {
      throw new BerthError('STORAGE_MOUNT_NOT_FOUND', `${app} mounts ${found.source} at ${target}, not what you named; \`berth storage:list ${app}\` shows its mounts.`);
    }
    this.deps.store.mounts.remove(app, target);
    this.deps.events.record({ app, kind: 'storage.changed', message: `unmounted ${found.source} from ${target}`, user });
    return found;
  }

  /** Creates the folder and checks no symlink on the way leads out of the app's storage root. */
  private ensureHostDir(app: string, dir: string): void {
    const root = hostRoot(this.deps.storageDir, app);
    fs.mkdirSync(root, { recursive: true, mode: 0o755 });
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    const realRoot = fs.realpathSync(root);
    const real = fs.realpathSync(dir);
    if (real !== realRoot && !real.startsWith(`${realRoot}${path.sep}`)) {
      throw new BerthError('INVALID_STORAGE_MOUNT', `${dir} leads outside ${root} through a symlink.`);
    }
  }

  private requireApp(app: string): void {
    if (!this.deps.store.apps.get(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }
}
