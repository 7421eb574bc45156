import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { BackupObjects, StoredObject } from '../ports/backup-objects';
import type { CronHandler, CronScheduler } from '../ports/cron-scheduler';
import type { BerthBackupSchedule, RestoreVerification, S3Login, ServiceBackupsStore } from '../ports/service-backups';
import { normalizeSchedule } from '../cron';
import { parseTarget, targetText, type BackupTarget } from './backup-target';
import type { BerthBackup } from './berth-backup';
import { dirObjects } from './dir-objects';

/** Without a stored schedule berth backs itself up every day at 03:00 (server time) below $BERTH_HOME/backups/berth, keeping 7. */
export const DEFAULT_BERTH_SCHEDULE: BerthBackupSchedule = { schedule: '0 3 * * *', keep: 7, target: 'dir:.', enabled: true };

/** The scheduler's `app` for berth's own backup: no plugin/service pair (ServiceBackups' jobs) can be spelled so. */
export const BERTH_JOB_APP = '@berth';

const NAME = /^berth-backup-\d{8}T\d{9}Z(-scheduled)?\.tar$/;
const MAX_KEEP = 1000;

export interface BerthBackupsDeps {
  readonly backup: Pick<BerthBackup, 'prepare' | 'restore'>;
  /** The schedule and the S3 logins (`backups:s3-set`, shared with service backups). */
  readonly store: { serviceBackups: ServiceBackupsStore };
  readonly s3: (login: S3Login) => BackupObjects;
  /** The backup queue's scheduler (the service backups' one; a job's `app` is BERTH_JOB_APP). */
  readonly scheduler: CronScheduler;
  /** $BERTH_HOME/backups/berth: folder targets lie below it. */
  readonly root: string;
  readonly events: EventsService;
  /** After a failed run was recorded (a `backup.failed` notification). */
  readonly onFailure?: (message: string) => void | Promise<void>;
  /** After a restore: the restored service backup schedules go to the scheduler too. */
  readonly afterRestore?: () => Promise<void>;
  /**
   * Proves each backup made here (restore-verifier.ts, berth-backup-check.ts): `open` reads it back
   * from its target; answers the verification kept with it.
   */
  readonly verify?: (made: BerthBackupView, open: () => Promise<NodeJS.ReadableStream>, o: { scheduled: boolean; user: string | null }) => Promise<RestoreVerification>;
  readonly log?: (line: string) => void;
}

export interface BerthBackupView { readonly name: string; readonly target: string; readonly size: number; readonly createdAt: string; readonly scheduled: boolean }
export interface BerthScheduleView { readonly schedule: string; readonly keep: number; readonly target: string; readonly enabled: boolean; readonly isDefault: boolean }

/**
 * berth's own backups kept by the server (`backup:create --to s3://…`, `backup:schedule`,
 * `backup:list`, the dashboard): each archive is written through a staging file below the backup
 * directory (streamed, never whole in memory), then moved into the folder or uploaded. What is
 * there is read from the folder or bucket itself, not from the database: a restore replaces the
 * database, and the files stay true. Retention counts scheduled backups only (`-scheduled.tar`).
 */
export class BerthBackups {
  private running = false;

  constructor(private readonly deps: BerthBackupsDeps) {}

  private get store(): ServiceBackupsStore { return this.deps.store.serviceBackups; }

  schedule(): BerthScheduleView {
    const stored = this.store.berthSchedule();
    const s = stored ?? DEFAULT_BERTH_SCHEDULE;
    return { schedule: s.schedule, keep: s.keep, target: targetText(this.resolve(s.target)), enabled: s.enabled, isDefault: stored === null };
  }

  async setSchedule(o: { schedule: string; keep?: number; to?: string; user: string | null }): Promise<BerthScheduleView> {
    const keep = o.keep ?? (this.store.berthSchedule() ?? DEFAULT_BERTH_SCHEDULE).keep;
    if (!Number.isInteger(keep) || keep < 1 || keep > MAX_KEEP) throw new BerthError('BACKUP_SCHEDULE_INVALID', `--keep must be a whole number from 1 to ${MAX_KEEP} (got ${String(keep).slice(0, 20)}).`);
    let schedule: string;
    try { schedule = normalizeSchedule(o.schedule); } catch (e) { throw new BerthError('BACKUP_SCHEDULE_INVALID', (e as Error).message); }
    const target = this.stored(this.targetOf(o.to));
    this.store.setBerthSchedule({ schedule, keep, target, enabled: true });
    await this.sync();
    const view = this.schedule();
    this.deps.events.record({ app: null, kind: 'berth.backup', user: o.user, message: `berth's backup schedule: "${schedule}" to ${view.target}, keeping ${keep}` });
    return view;
  }

  async disable(user: string | null): Promise<BerthScheduleView> {
    const s = this.store.berthSchedule() ?? DEFAULT_BERTH_SCHEDULE;
    this.store.setBerthSchedule({ ...s, enabled: false });
    await this.sync();
    this.deps.events.record({ app: null, kind: 'berth.backup', user, message: 'berth\'s backup schedule turned off' });
    return this.schedule();
  }

  /** Makes the scheduler's job the stored schedule (at the worker's start, after a change or a restore). */
  async sync(): Promise<void> {
    const s = this.store.berthSchedule() ?? DEFAULT_BERTH_SCHEDULE;
    await this.deps.scheduler.replace(BERTH_JOB_APP, s.enabled ? [{ app: BERTH_JOB_APP, name: 'berth', command: '', schedule: s.schedule }] : []);
  }

  /** The worker's handler of the due schedule; a run still going is not doubled. */
  readonly handle: CronHandler = async () => {
    if (this.running) { this.deps.log?.('berth backup skipped: its previous run is still going'); return; }
    await this.create({ scheduled: true, user: null }).catch((e: Error) => this.deps.log?.(`scheduled berth backup failed: ${e.message}`));
  };

  /**
   * One backup on the server: to `to` (a folder below the backup directory, or s3://…; default the
   * backup directory), or with `scheduled` to the schedule's target, then its retention applied.
   */
  async create(o: { to?: string; scheduled?: boolean; user: string | null }): Promise<BerthBackupView & { verification?: RestoreVerification }> {
    const s = this.store.berthSchedule() ?? DEFAULT_BERTH_SCHEDULE;
    const target = o.scheduled ? this.resolve(s.target) : this.targetOf(o.to);
    this.running = true;
    try {
      const made = await this.write(target, o.scheduled === true);
      this.deps.events.record({ app: null, kind: 'berth.backup', user: o.user, message: `berth backed up to ${made.target} as ${made.name} (${made.size} bytes)` });
      // Read back from the target and its database restored into a scratch home: a backup counts once it is proven.
      const verification = await this.deps.verify?.(made, () => this.objects(target).get(keyOf(target, made.name)), { scheduled: o.scheduled === true, user: o.user });
      if (o.scheduled) await this.prune(target, s.keep);
      return verification ? { ...made, verification } : made;
    } catch (e) {
      const message = (e as Error).message;
      this.deps.events.record({ app: null, kind: 'berth.backup-failed', user: o.user, message: `backup of berth to ${targetText(target)} failed: ${message}` });
      await Promise.resolve(this.deps.onFailure?.(message)).catch((err: Error) => this.deps.log?.(`backup failure hook: ${err.message}`));
      throw e;
    } finally {
      this.running = false;
    }
  }

  /** The backups in the backup directory and in the schedule's target, newest first. */
  async list(): Promise<BerthBackupView[]> {
    const targets = new Map<string, BackupTarget>();
    for (const t of [this.targetOf(undefined), this.resolve((this.store.berthSchedule() ?? DEFAULT_BERTH_SCHEDULE).target)]) targets.set(targetText(t), t);
    const all: BerthBackupView[] = [];
    for (const t of targets.values()) all.push(...(await this.objectsIn(t)).map((o) => viewOf(t, o)));
    return all.sort((a, b) => b.name.localeCompare(a.name));
  }

  /** A listed backup's bytes (the dashboard's download). */
  async open(name: string): Promise<{ backup: BerthBackupView; stream: NodeJS.ReadableStream }> {
    const backup = NAME.test(name) ? (await this.list()).find((b) => b.name === name) : undefined;
    if (!backup) throw new BerthError('BACKUP_NOT_FOUND', `berth has no backup "${name.slice(0, 80)}"; \`berth backup:list\` lists them.`);
    const t = this.targetOf(backup.target);
    return { backup, stream: await this.objects(t).get(keyOf(t, name)) };
  }

  /** Restores an uploaded archive (BerthBackup.restore), then hands the restored schedules to the scheduler. */
  async restore(input: NodeJS.ReadableStream, progress: (line: string) => void): ReturnType<BerthBackup['restore']> {
    const result = await this.deps.backup.restore(input, progress);
    await this.sync();
    await this.deps.afterRestore?.();
    return result;
  }

  /** Restores s3://<bucket>/<key> (a login for the bucket set on this berth first), streamed from the bucket. */
  async restoreFrom(from: string, progress: (line: string) => void): ReturnType<BerthBackup['restore']> {
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(from);
    const t = m ? parseTarget(`s3://${m[1]}/${m[2]}`, { root: this.deps.root, plugin: '', service: '' }) : null;
    if (!t || t.kind !== 's3' || !t.prefix) throw new BerthError('BACKUP_TARGET_INVALID', `"${from.slice(0, 200)}" is not an S3 object: use s3://<bucket>/<key of the backup>.`);
    const input = await this.objects(t).get(t.prefix);
    try {
      return await this.restore(input, progress);
    } catch (e) {
      (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw e;
    }
  }

  private async write(target: BackupTarget, scheduled: boolean): Promise<BerthBackupView> {
    const objects = this.objects(target);
    const { name: plain, write } = await this.deps.backup.prepare({ quiet: true });
    const name = scheduled ? plain.replace(/\.tar$/, '-scheduled.tar') : plain;
    const staging = path.join(this.deps.root, '.staging');
    fs.mkdirSync(staging, { recursive: true, mode: 0o700 });
    const tmp = path.join(staging, `${name}.part`);
    const out = fs.createWriteStream(tmp, { mode: 0o600 });
    try {
      await write(out);
      await new Promise<void>((resolve, reject) => { out.end(() => resolve()); out.once('error', reject); });
      const size = fs.statSync(tmp).size;
      await objects.put(keyOf(target, name), tmp, size);
      return { name, target: targetText(target), size, createdAt: new Date().toISOString(), scheduled };
    } finally {
      if (!out.closed) { out.destroy(); await new Promise<void>((resolve) => out.once('close', () => resolve())); }
      fs.rmSync(tmp, { force: true });
    }
  }

  /** Keeps the newest `keep` scheduled backups in the target; backups made by hand stay. */
  private async prune(target: BackupTarget, keep: number): Promise<void> {
    const scheduled = (await this.objectsIn(target)).filter((o) => path.basename(o.key).endsWith('-scheduled.tar'))
      .sort((a, b) => path.basename(b.key).localeCompare(path.basename(a.key)));
    for (const old of scheduled.slice(keep)) await this.objects(target).remove(old.key);
  }

  private async objectsIn(t: BackupTarget): Promise<StoredObject[]> {
    const found = await this.objects(t).list(t.kind === 'dir' ? t.dir : t.prefix);
    return found.filter((o) => NAME.test(path.basename(o.key)));
  }

  /** A `--to` (absent: the backup directory); an S3 bucket needs its login. */
  private targetOf(to: string | undefined): BackupTarget {
    const t = parseTarget(to, { root: this.deps.root, plugin: '', service: '' });
    if (t.kind === 's3' && !this.store.s3(t.bucket)) {
      throw new BerthError('BACKUP_S3_NOT_SET', `berth has no login for bucket ${t.bucket}: \`berth backups:s3-set ${t.bucket} --endpoint <url> --access-key-id <id>\` (admin) first.`);
    }
    return t;
  }

  /** The stored form of a target: folders relative to the backup directory. */
  private stored(t: BackupTarget): string {
    return t.kind === 'dir' ? `dir:${path.relative(this.deps.root, t.dir) || '.'}` : targetText(t);
  }

  private resolve(stored: string): BackupTarget {
    return parseTarget(stored.startsWith('dir:') ? stored.slice(4) : stored, { root: this.deps.root, plugin: '', service: '' });
  }

  private objects(t: BackupTarget): BackupObjects {
    if (t.kind === 'dir') return dirObjects(this.deps.root);
    const login = this.store.s3(t.bucket);
    if (!login) throw new BerthError('BACKUP_S3_NOT_SET', `berth has no login for bucket ${t.bucket}: \`berth backups:s3-set ${t.bucket} --endpoint <url> --access-key-id <id>\` (admin) first.`);
    return this.deps.s3(login);
  }
}

function keyOf(t: BackupTarget, name: string): string {
  return t.kind === 'dir' ? path.join(t.dir, name) : (t.prefix ? `${t.prefix}/${name}` : name);
}

function viewOf(t: BackupTarget, o: StoredObject): BerthBackupView {
  const name = path.basename(o.key);
  const stamp = /^berth-backup-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(name);
  const createdAt = stamp ? `${stamp[1]}-${stamp[2]}-${stamp[3]}T${stamp[4]}:${stamp[5]}:${stamp[6]}.${stamp[7]}Z` : o.modified;
  return { name, target: targetText(t), size: o.size, createdAt, scheduled: name.endsWith('-scheduled.tar') };
}
