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

  /** Host folders only by an admin: whoever mounts a host path chooses what the app's root user may write. */
  mount(app: string, spec: string, by: { name: string; role: string } | null): MountView {
    this.requireApp(app);
    if (spec.startsWith('/') && by !== null && by.role !== 'admin') {
      throw new BerthError('FORBIDDEN', `Only admins mount host folders; mount a named volume instead, e.g. data:${spec.split(':')[1] ?? '/data'}.`);
    }
    const parsed = parseMountSpec(spec, { app, storageDir: this.deps.storageDir });
    const user = by?.name ?? null;
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

  /**
   * The app's mounts as a container start should use them, checked again now: Docker resolves a
   * bind source when it starts the container, so a host folder must still be a real folder (not
   * a symlink) directly below the app's storage root. Throws INVALID_STORAGE_MOUNT otherwise,
   * and nothing starts.
   */
  mountsForStart(app: string): { source: string; target: string }[] {
    return this.deps.store.mounts.list(app).map((m) => {
      if (!m.source.startsWith('/')) return { source: m.source, target: m.target };
      return { source: this.verifiedHostDir(app, m.source), target: m.target };
    });
  }

  private verifiedHostDir(app: string, dir: string): string {
    const root = hostRoot(this.deps.storageDir, app);
    const name = path.basename(dir);
    const refuse = (why: string): never => {
      throw new BerthError('INVALID_STORAGE_MOUNT', `The host folder ${dir} mounted into ${app} ${why}; nothing was started. An admin can \`berth storage:unmount ${app}\` it.`);
    };
    if (path.dirname(dir) !== root) refuse(`is not directly below ${root}`);
    let realRoot: string;
    try { realRoot = fs.realpathSync(root); } catch { return refuse('has no storage root'); }
    const real = path.join(realRoot, name);
    let st: fs.Stats;
    try { st = fs.lstatSync(real); } catch { return refuse('does not exist any more'); }
    if (st.isSymbolicLink()) refuse('is a symlink');
    if (!st.isDirectory()) refuse('is not a folder');
    return real;
  }

  /** Creates the folder (directly below the app's root, see parseMountSpec) and checks it is one. */
  private ensureHostDir(app: string, dir: string): void {
    const root = hostRoot(this.deps.storageDir, app);
    fs.mkdirSync(root, { recursive: true, mode: 0o755 });
    try { fs.mkdirSync(dir, { mode: 0o755 }); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; }
    this.verifiedHostDir(app, dir);
  }

  private requireApp(app: string): void {
    if (!this.deps.store.apps.get(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }
}
