import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { BerthError } from '../errors';
import type { DatabaseCopies } from '../ports/database-copies';
import type { ServiceRecord } from '../ports/services';

/**
 * berth backs itself up (`berth backup:create`, docs/backups.md): one tar holding a manifest, a
 * consistent copy of the database (SQLite's online backup), the config-encryption key, settings
 * and the folders berth keeps state in, and each service's export; `backup:restore` brings it
 * all back on a fresh BERTH_HOME and rebuilds every deployed app from its repo.
 */
export interface BerthBackupDeps {
  readonly home: string;
  readonly keyFile: string;
  readonly db: Pick<DatabaseCopies, 'snapshotTo' | 'replaceWith'> & { schemaVersion(): number };
  readonly version: string;
  readonly apps: () => string[];
  readonly deployed: (app: string) => boolean;
  readonly services: () => ServiceRecord[];
  /** The plugin's export, checked first (ServiceBackup.prepareExport). */
  readonly exportService: (plugin: string, name: string) => Promise<(out: NodeJS.WritableStream) => Promise<void>>;
  readonly importService: (plugin: string, name: string, input: NodeJS.ReadableStream) => Promise<void>;
  /** Runs a restored service's container again (ServiceKit.revive). */
  readonly revive: (s: ServiceRecord) => Promise<void>;
  /** Rebuilds an app from its repo through the build queue; answers the build's id. */
  readonly rebuild: (app: string) => Promise<number>;
  /** An app with nothing to rebuild from (deployed from an image): released again from an image this host has, or a line saying what to do (image-apps.ts). */
  readonly redeployImage?: (app: string) => Promise<{ build: number | null; line: string }>;
  /** A build's status (queued, running, succeeded, failed, cancelled). */
  readonly buildStatus: (app: string, build: number) => string;
  readonly record: (message: string) => void;
}

export interface BackupManifest {
  readonly format: 1;
  readonly berthVersion: string;
  readonly schema: number;
  readonly createdAt: string;
  readonly apps: string[];
  readonly services: Array<{ plugin: string; name: string }>;
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

type ServiceExport = { s: ServiceRecord; run: (out: NodeJS.WritableStream) => Promise<void> };

/** Folders below BERTH_HOME that hold state (not caches, logs, images or generated router config). */
// snapshots: the data dumps taken before release commands, which `releases:rollback --restore-data` reads.
const STATE_DIRS = ['repos', 'certs', 'acme', 'storage', 'plugins', 'forge', 'snapshots'];
/** Settings (install.sh writes them). Not router-hop.secret: each install makes its own, and the running one holds it. */
const SETTINGS = 'berth.env';
const STATE_FILES = [SETTINGS];

export class BerthBackup {
  private restoring = false;

  constructor(private readonly deps: BerthBackupDeps) {}

  private get staging(): string {
    const dir = path.join(this.deps.home, 'backups', 'berth', '.staging');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  /** Checks what can fail before an answer starts (services berth cannot export), then returns the function that writes the tar. */
  async prepare(o: { quiet?: boolean } = {}): Promise<{ name: string; write: (out: NodeJS.WritableStream) => Promise<void> }> {
    const services = this.deps.services();
    const exports: ServiceExport[] = [];
    for (const s of services) exports.push({ s, run: await this.deps.exportService(s.plugin, s.name) });
    const stamp = new Date().toISOString().replace(/[-:.]/g, '');
    return { name: `berth-backup-${stamp}.tar`, write: (out) => this.write(out, exports, o.quiet === true) };
  }

  /** `quiet`: the caller records the event (berth-backups.ts says where the backup went). */
  private async write(out: NodeJS.WritableStream, exports: ServiceExport[], quiet: boolean): Promise<void> {
    const work = fs.mkdtempSync(path.join(this.staging, 'create-'));
    const pack = tar.pack();
    const piped = pipeline(pack, out);
    try {
      const db = path.join(work, 'berth.db');
      await this.deps.db.snapshotTo(db);
      const manifest: BackupManifest = {
        format: 1, berthVersion: this.deps.version, schema: this.deps.db.schemaVersion(), createdAt: new Date().toISOString(),
        apps: this.deps.apps(), services: exports.map(({ s }) => ({ plugin: s.plugin, name: s.name })),
      };
      await addBuffer(pack, 'manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
      await addFile(pack, 'berth.db', db);
      await addFile(pack, 'secret.key', this.deps.keyFile);
      for (const f of STATE_FILES) if (fs.existsSync(path.join(this.deps.home, f))) await addFile(pack, f, path.join(this.deps.home, f));
      for (const d of STATE_DIRS) await addTree(pack, this.deps.home, d);
      // Each dump through a staging file: a tar entry says its size before its bytes.
      for (const { s, run } of exports) {
        const dump = path.join(work, `${s.plugin}-${s.name}.dump`);
        const file = fs.createWriteStream(dump, { mode: 0o600 });
        await run(file);
        await new Promise<void>((resolve, reject) => { file.end(() => resolve()); file.once('error', reject); });
        await addFile(pack, `services/${s.plugin}/${s.name}.dump`, dump);
        fs.rmSync(dump);
      }
      pack.finalize();
      await piped;
      if (!quiet) this.deps.record(`berth backed up (${manifest.apps.length} apps, ${manifest.services.length} services)`);
    } catch (e) {
      pack.destroy(e as Error);
      await piped.catch(() => undefined);
      throw e;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  /**
   * Restores a backup read from `input` onto this berth, which must have no apps and no services.
   * Calls `progress` with a line per step; answers the builds it queued.
   */
  async restore(input: NodeJS.ReadableStream, progress: (line: string) => void): Promise<{ apps: string[]; services: string[]; builds: Array<{ app: string; build: number; status: string }> }> {
    this.requireFresh();
    // One at a time: a second restore started meanwhile would pass the check above too.
    if (this.restoring) throw new BerthError('BACKUP_RESTORE_NOT_FRESH', 'A restore is running on this berth already.');
    this.restoring = true;
    const work = fs.mkdtempSync(path.join(this.staging, 'restore-'));
    try {
      await extractTo(input, work);
      const manifest = readManifest(work);
      if (manifest.schema !== this.deps.db.schemaVersion()) {
        throw new BerthError('BACKUP_SCHEMA_MISMATCH', `The backup was made by berth ${manifest.berthVersion} (schema ${manifest.schema}); this berth's schema is ${this.deps.db.schemaVersion()}: restore it with the berth version that made it, then upgrade.`);
      }
      for (const f of ['berth.db', 'secret.key']) {
        if (!fs.existsSync(path.join(work, f))) throw new BerthError('BACKUP_INVALID', `The archive has no ${f}: it is not a berth backup.`);
      }
      this.requireFresh();
      progress(`backup of berth ${manifest.berthVersion} made ${manifest.createdAt}: ${manifest.apps.length} apps, ${manifest.services.length} services`);
      for (const name of STATE_DIRS) {
        const from = path.join(work, name);
        if (fs.existsSync(from)) fs.cpSync(from, path.join(this.deps.home, name), { recursive: true, force: true });
      }
      this.restoreSettings(work, progress);
      // By rename: a process reading the key meanwhile sees the old file or the new one, never half of one.
      fs.copyFileSync(path.join(work, 'secret.key'), `${this.deps.keyFile}.restore`);
      fs.chmodSync(`${this.deps.keyFile}.restore`, 0o600);
      fs.renameSync(`${this.deps.keyFile}.restore`, this.deps.keyFile);
      this.deps.db.replaceWith(path.join(work, 'berth.db'));
      progress('restored the database, keys, settings, repositories and certificates');
      const services: string[] = [];
      for (const s of this.deps.services()) {
        const label = `${s.plugin}:${s.name}`;
        await this.deps.revive(s);
        const dump = path.join(work, 'services', s.plugin, `${s.name}.dump`);
        if (fs.existsSync(dump)) await this.deps.importService(s.plugin, s.name, fs.createReadStream(dump));
        progress(`restored service ${label}${fs.existsSync(dump) ? ' and its data' : ' (no data in the backup)'}`);
        services.push(label);
      }
      const apps = this.deps.apps();
      const builds: Array<{ app: string; build: number }> = [];
      for (const app of apps) {
        if (!this.deps.deployed(app)) { progress(`app ${app}: restored (never deployed, nothing to build)`); continue; }
        try {
          const build = await this.deps.rebuild(app);
          builds.push({ app, build });
          progress(`app ${app}: restored; rebuilding its image from its repo (build ${build})`);
        } catch (e) {
          // An app deployed from an image (not a push) has nothing in its repo (NO_RELEASE): its image is used again if this host has it.
          if (!(e instanceof BerthError && e.code === 'NO_RELEASE' && this.deps.redeployImage)) { progress(`app ${app}: restored, but not rebuilt: ${(e as Error).message}`); continue; }
          const again = await this.deps.redeployImage(app).catch((err: Error) => ({ build: null, line: `app ${app}: restored, but not deployed: ${err.message}` }));
          if (again.build !== null) builds.push({ app, build: again.build });
          progress(again.line);
        }
      }
      // Followed here, not by the client: the restore replaced the users and tokens it came with.
      const statuses = await this.follow(builds, progress);
      this.deps.record(`berth restored from a backup of berth ${manifest.berthVersion} (${apps.length} apps, ${services.length} services)`);
      return { apps, services, builds: builds.map((b, i) => ({ ...b, status: statuses[i] })) };
    } finally {
      this.restoring = false;
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  /** Waits for each build to end (they run in the apps' build queues, in parallel), a line as each does. */
  private async follow(builds: Array<{ app: string; build: number }>, progress: (line: string) => void): Promise<string[]> {
    const statuses = builds.map(() => '');
    for (;;) {
      builds.forEach(({ app, build }, i) => {
        if (statuses[i]) return;
        const status = this.deps.buildStatus(app, build);
        if (!FINISHED.has(status)) return;
        statuses[i] = status;
        progress(`app ${app}: build ${build} ${status}`);
      });
      if (statuses.every(Boolean)) return statuses;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** The backup's berth.env: in place when this install has none; else beside it, for the operator to compare (the running berth read its own). */
  private restoreSettings(work: string, progress: (line: string) => void): void {
    const from = path.join(work, SETTINGS);
    if (!fs.existsSync(from)) return;
    const target = path.join(this.deps.home, SETTINGS);
    if (!fs.existsSync(target)) {
      fs.copyFileSync(from, target);
      progress(`restored ${SETTINGS}: its settings apply from berth's next start`);
      return;
    }
    fs.copyFileSync(from, `${target}.from-backup`);
    progress(`this install has its own ${SETTINGS}: the backup's is ${target}.from-backup, to compare`);
  }

  private requireFresh(): void {
    const apps = this.deps.apps().length;
    const services = this.deps.services().length;
    if (apps + services > 0) {
      throw new BerthError('BACKUP_RESTORE_NOT_FRESH', `This berth has ${apps} apps and ${services} services: a backup is restored onto a fresh install only (a new BERTH_HOME).`);
    }
  }
}

function addBuffer(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => { pack.entry({ name, size: data.length, mode: 0o600 }, data, (e) => (e ? reject(e) : resolve())); });
}

/**
 * One file as an entry of exactly the size it had when opened. The state folders hold files apps
 * write (storage): one that grows or shrinks while it is read would otherwise fail the whole
 * backup (tar-stream's "Size mismatch"), so an app appending to a log in its storage could keep
 * berth from ever backing up. In a tree (`inTree`: BERTH_HOME's real path) the file is opened
 * without following a link, and the file opened must be below BERTH_HOME: an app that swaps a
 * file, or a folder above it, for a link after addTree's lstat gets it left out, never followed to
 * the host's files (which a restore would then put in the app's storage on the new host).
 */
async function addFile(pack: tar.Pack, name: string, file: string, inTree?: string): Promise<void> {
  let fd: number;
  try {
    fd = fs.openSync(file, inTree ? fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW : fs.constants.O_RDONLY);
  } catch (e) {
    if (inTree && ['ELOOP', 'ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return;
    throw e;
  }
  if (inTree && !fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(`${inTree}/`)) { fs.closeSync(fd); return; }
  const st = fs.fstatSync(fd);
  if (!st.isFile() || st.size === 0) {
    fs.closeSync(fd);
    if (!st.isFile()) {
      if (inTree) return;
      throw new BerthError('BACKUP_INVALID', `${file} is not a plain file.`);
    }
    return new Promise((resolve, reject) => { pack.entry({ name, size: 0, mode: st.mode & 0o777, mtime: st.mtime }, Buffer.alloc(0), (e) => (e ? reject(e) : resolve())); });
  }
  const entry = pack.entry({ name, size: st.size, mode: st.mode & 0o777, mtime: st.mtime });
  await pipeline(fs.createReadStream('', { fd, start: 0, end: st.size - 1 }), padTo(st.size), entry);
}

/** Passes at most `size` bytes and, when the file shrank meanwhile, zeros up to `size`. */
function padTo(size: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) { const keep = chunk.subarray(0, Math.max(0, size - seen)); seen += keep.length; done(null, keep); },
    flush(done) { done(null, seen < size ? Buffer.alloc(size - seen) : undefined); },
  });
}

/** A folder below home, files and folders only (a symbolic link is not followed: it could point anywhere). */
async function addTree(pack: tar.Pack, home: string, rel: string, realHome = fs.realpathSync(home)): Promise<void> {
  const abs = path.join(home, rel);
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isFile()) return addFile(pack, rel, abs, realHome);
  if (!st.isDirectory()) return;
  await new Promise<void>((resolve, reject) => { pack.entry({ name: `${rel}/`, type: 'directory', mode: st.mode & 0o777 }, (e) => (e ? reject(e) : resolve())); });
  for (const child of fs.readdirSync(abs).sort()) await addTree(pack, home, `${rel}/${child}`, realHome);
}

const ALLOWED_TOP = new Set(['manifest.json', 'berth.db', 'secret.key', 'services', ...STATE_DIRS, ...STATE_FILES]);

/** Unpacks into `dir`, refusing any entry that is not a plain file or folder below a known top-level name. */
async function extractTo(input: NodeJS.ReadableStream, dir: string): Promise<void> {
  const extract = tar.extract();
  const done = pipeline(input, extract);
  try {
    await unpack(extract, dir);
  } catch (e) {
    extract.destroy();
    await done.catch(() => undefined);
    throw e;
  }
  await done;
}

async function unpack(extract: tar.Extract, dir: string): Promise<void> {
  for await (const entry of extract) {
    const name = entry.header.name.replace(/\/+$/, '');
    const parts = name.split('/');
    const safe = name !== '' && !path.isAbsolute(name) && parts.every((p) => p !== '' && p !== '.' && p !== '..') && ALLOWED_TOP.has(parts[0]);
    if (!safe || (entry.header.type !== 'file' && entry.header.type !== 'directory')) {
      entry.resume();
      throw new BerthError('BACKUP_INVALID', `The archive holds "${name.slice(0, 200)}" (${entry.header.type}), which no berth backup holds: nothing was restored.`);
    }
    const target = path.join(dir, name);
    if (entry.header.type === 'directory') {
      fs.mkdirSync(target, { recursive: true, mode: (entry.header.mode ?? 0o700) & 0o777 });
      entry.resume();
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    await pipeline(entry, fs.createWriteStream(target, { mode: (entry.header.mode ?? 0o600) & 0o777 }));
  }
}

function readManifest(dir: string): BackupManifest {
  const file = path.join(dir, 'manifest.json');
  let m: Partial<BackupManifest> | null = null;
  try { m = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<BackupManifest>; } catch { /* answered below */ }
  if (!m || m.format !== 1 || typeof m.schema !== 'number' || typeof m.berthVersion !== 'string') {
    throw new BerthError('BACKUP_INVALID', 'The archive has no readable manifest.json: it is not a berth backup.');
  }
  return m as BackupManifest;
}
