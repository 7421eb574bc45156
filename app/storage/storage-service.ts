import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors';
import type { MountRecord } from '../ports/process-state';
import type { Store } from '../ports/store';
import type { EventsService } from '../events';
import type { AppRecord } from '../ports/store';
import { VOLUME_NAME, hostRoot, legacyVolumeName, parseMountSpec } from './mount-spec';

/** dokku's `storage:ensure-directory --chown` presets (uid = gid). */
const CHOWN_PRESETS: Readonly<Record<string, number>> = { herokuish: 32767, heroku: 1000, paketo: 2000, root: 0 };
import { appVolumeName } from '../apps/resource-names';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesReader } from '../releases/releases-reader';
import type { MountView as ContractMount } from '../api-contract';

/** A mount as the API shows it: the contract's shape (app/api-contract/storage.ts). */
export type MountView = ContractMount;

/**
 * Persistent storage for an app: named docker volumes or folders under `$BERTH_HOME/storage/<app>`,
 * mounted into every container of the app. Mounts are stored, so they survive redeploys,
 * rollbacks and restarts; a change applies to containers started after it (`ps:restart`).
 */
export class StorageService {
  constructor(private readonly deps: {
    store: Pick<Store, 'mounts' | 'transaction'>; apps: AppsReader; releases: ReleasesReader; events: EventsService; storageDir: string;
    /** Removes a docker volume (destroy); one still in use fails. */
    removeVolume?: (name: string) => Promise<void>;
  }) {}

  /** `hostPaths` false (for anyone but an admin): host folders as `$BERTH_HOME/storage/…`, not where the host keeps them. */
  list(app: string, o: { hostPaths: boolean } = { hostPaths: true }): MountView[] {
    this.requireApp(app);
    return this.deps.store.mounts.list(app).map((m) => ({
      ...m, source: o.hostPaths ? m.source : this.shown(m.source), kind: m.source.startsWith('/') ? 'host' : 'volume',
    }));
  }

  /** A host folder as events and non-admins see it: relative to $BERTH_HOME, so no answer maps the host's disk. */
  private shown(source: string): string {
    const root = path.resolve(this.deps.storageDir);
    return source.startsWith(`${root}${path.sep}`) ? `$BERTH_HOME/storage/${source.slice(root.length + 1)}` : source;
  }

  /** Host folders only by an admin: whoever mounts a host path chooses what the app's root user may write. */
  mount(app: string, spec: string, by: { name: string; role: string } | null): MountView {
    this.requireApp(app);
    if (spec.startsWith('/') && by !== null && by.role !== 'admin') {
      throw new BerthError('FORBIDDEN', `Only admins mount host folders; mount a named volume instead, e.g. data:${spec.split(':')[1] ?? '/data'}.`);
    }
    const parsed = parseMountSpec(spec, { appId: this.requireApp(app).id, storageDir: this.deps.storageDir });
    const user = by?.name ?? null;
    const existing = this.deps.store.mounts.list(app).find((m) => m.target === parsed.target);
    if (existing) {
      throw new BerthError('STORAGE_MOUNT_EXISTS', `${app} already mounts ${existing.source} at ${parsed.target}; unmount it first.`);
    }
    if (parsed.kind === 'host') this.ensureHostDir(app, parsed.source);
    const record = this.deps.store.mounts.add({ app, source: parsed.source, target: parsed.target });
    this.deps.events.record({ app, kind: 'storage.changed', message: `mounted ${this.shown(parsed.source)} at ${parsed.target}`, user });
    return { ...record, kind: parsed.kind };
  }

  /**
   * dokku's `storage:ensure-directory`: makes the folder `<name>` directly below the app's storage
   * root (where host mounts must be) and sets its owner: a preset (herokuish, the default, heroku,
   * paketo, root), a numeric uid, or `false` for none. Admins only, as host mounts are.
   */
  ensureDirectory(app: string, name: unknown, chown: unknown, by: { name: string; role: string } | null): { path: string; owner: number | null } {
    this.requireApp(app);
    if (by !== null && by.role !== 'admin') throw new BerthError('FORBIDDEN', 'Only admins make host folders (they are for host mounts, which only admins make); mount a named volume instead, e.g. data:/data.');
    if (typeof name !== 'string' || !VOLUME_NAME.test(name)) {
      throw new BerthError('INVALID_STORAGE_MOUNT', `The folder name ${JSON.stringify(name)} must be lowercase letters, digits and ._- (it goes directly below ${app}'s storage folder).`);
    }
    const given = chown === undefined ? 'herokuish' : chown;
    let owner: number | null;
    if (given === 'false') owner = null;
    else if (typeof given === 'string' && given in CHOWN_PRESETS) owner = CHOWN_PRESETS[given];
    else if (typeof given === 'string' && /^[0-9]{1,9}$/.test(given)) owner = Number(given);
    else throw new BerthError('INVALID_INPUT', `--chown is herokuish, heroku, paketo, root, false or a numeric uid, not ${JSON.stringify(given)}.`);
    const dir = this.ensureHostDir(app, path.join(hostRoot(this.deps.storageDir, this.requireApp(app).id), name));
    if (owner !== null) fs.lchownSync(dir, owner, owner);
    this.deps.events.record({ app, kind: 'storage.changed', message: `ensured ${this.shown(dir)}${owner === null ? '' : ` owned by ${owner}:${owner}`}`, user: by?.name ?? null });
    return { path: dir, owner };
  }

  /** `spec` is the mount as given to mount, or just its container path. */
  unmount(app: string, spec: string, user: string | null): MountView {
    const o = { appId: this.requireApp(app).id, storageDir: this.deps.storageDir };
    const parsed = spec.startsWith('/') && !spec.includes(':') ? null : parseMountSpec(spec, o);
    const target = parsed?.target ?? spec;
    const found = this.list(app).find((m) => m.target === target);
    if (!found) throw new BerthError('STORAGE_MOUNT_NOT_FOUND', `${app} has no mount at ${target}; \`berth storage:list ${app}\` shows its mounts.`);
    // A volume mounted before apps had ids has its old name (berth-<app>-<name>) in the record.
    const sameVolume = parsed?.kind === 'volume' && found.source === legacyVolumeName(app, spec.split(':')[0]!);
    if (parsed && parsed.source !== found.source && !sameVolume) {
      throw new BerthError('STORAGE_MOUNT_NOT_FOUND', `${app} mounts ${found.source} at ${target}, not what you named; \`berth storage:list ${app}\` shows its mounts.`);
    }
    this.deps.store.mounts.remove(app, target);
    this.deps.events.record({ app, kind: 'storage.changed', message: `unmounted ${this.shown(found.source)} from ${target}`, user });
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
    const root = hostRoot(this.deps.storageDir, this.requireApp(app).id);
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
  private ensureHostDir(app: string, dir: string): string {
    const root = hostRoot(this.deps.storageDir, this.requireApp(app).id);
    fs.mkdirSync(root, { recursive: true, mode: 0o755 });
    try { fs.mkdirSync(dir, { mode: 0o755 }); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; }
    return this.verifiedHostDir(app, dir);
  }

  /** The app's storage folder (directly below its root) a compose bind mount names, made if missing and checked for this start. */
  composeDirForStart(app: string, name: string): string {
    const root = hostRoot(this.deps.storageDir, this.requireApp(app).id);
    const dir = path.join(root, name);
    if (path.dirname(dir) !== root || name.startsWith('.')) {
      throw new BerthError('INVALID_STORAGE_MOUNT', `"${name}" is not a folder directly below ${app}'s storage; nothing was started.`);
    }
    return this.ensureHostDir(app, dir);
  }

  /** The app's storage folder, for a compose file's absolute bind sources (parseCompose). */
  rootOf(app: string): string {
    return hostRoot(this.deps.storageDir, this.requireApp(app).id);
  }

  /**
   * The app's data on destroy: its volumes and its storage folder are removed, or, with `keep`,
   * left where they are, named by the destroyed app's id, which no other app will ever have.
   * Called before the app's rows go (the mounts are read from them). Resolves with what is left.
   */
  async removeData(app: string, o: { keep: boolean }): Promise<string[]> {
    const { volumes, root } = this.dataOf(app);
    const kept = [...volumes, ...(fs.existsSync(root) ? [root] : [])];
    if (o.keep) return kept;
    const left: string[] = [];
    for (const v of volumes) {
      // Still in use (a container draining elsewhere): it stays, named by the dead id; reported.
      await this.deps.removeVolume?.(v).catch(() => left.push(v));
    }
    // rmSync does not follow symlinks: a link the app's containers made is removed, not its target.
    fs.rmSync(root, { recursive: true, force: true });
    return left;
  }

  /** The app's data: its named volumes (mounts, and compose volumes of every release kept) and its storage folder. */
  dataOf(app: string): { volumes: string[]; root: string } {
    const record = this.requireApp(app);
    const root = hostRoot(this.deps.storageDir, record.id);
    const volumes = [...new Set([
      ...this.deps.store.mounts.list(app).filter((m) => !m.source.startsWith('/')).map((m) => m.source),
      // A compose file's named volumes (app/compose), of every release the app kept.
      ...this.deps.releases.list(app).flatMap((r) => Object.values(r.manifest.compose?.services ?? {})
        .flatMap((s) => s.volumes.map((v) => appVolumeName(record.id, v.volume)))),
    ])];
    return { volumes, root };
  }

  /**
   * Before apps had ids their folders were `storage/<app name>`: each is moved to `storage/<app id>`
   * and its mount records follow (running containers keep their bind mounts: same inode). Runs at
   * start; idempotent, and safe when web and worker both run it.
   */
  adoptLegacyFolders(log: (line: string) => void): void {
    for (const app of this.deps.apps.list()) {
      const legacy = path.join(path.resolve(this.deps.storageDir), app.name);
      const root = hostRoot(this.deps.storageDir, app.id);
      const records = this.deps.store.mounts.list(app.name).filter((m) => m.source.startsWith(`${legacy}${path.sep}`));
      let st: fs.Stats | null = null;
      try { st = fs.lstatSync(legacy); } catch { /* nothing to move */ }
      if (st?.isDirectory() && !fs.existsSync(root)) {
        try {
          fs.renameSync(legacy, root);
          log(`storage: moved ${legacy} to ${root}`);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
      }
      if (records.length === 0 || !fs.existsSync(root)) continue;
      this.deps.store.transaction(() => {
        for (const m of records) {
          this.deps.store.mounts.remove(app.name, m.target);
          this.deps.store.mounts.add({ app: app.name, source: path.join(root, path.relative(legacy, m.source)), target: m.target });
        }
      });
    }
  }

  private requireApp(app: string): AppRecord {
    const record = this.deps.apps.find(app);
    if (!record) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
    return record;
  }
}
