import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { CronHandler, CronJob, CronScheduler } from '../ports/cron-scheduler';
import type { BackupObjects } from '../ports/backup-objects';
import type { BackupRecord, BackupSchedule, RestoreVerification, S3Login, ServiceBackupsStore } from '../ports/service-backups';
import type { ServiceBackup, ServiceKit } from '../services-kit';
import { normalizeSchedule } from '../cron';
import { decryptStream, encryptStream } from './backup-crypto';
import { checkBucketName, parseTarget, targetText } from './backup-target';
import { dirObjects } from './dir-objects';
import { gzipDumpTo } from './gzip-dump';
import { RestoreVerifier, type OpenedDump, type Unverified } from './restore-verifier';

/** What a failed scheduled run tells whoever listens (notifications, when that module is wired). */
export interface BackupFailure {
  readonly plugin: string;
  readonly service: string;
  readonly schedule: string | null;
  readonly target: string;
  readonly message: string;
}

export interface ServiceBackupsDeps {
  readonly store: { serviceBackups: ServiceBackupsStore };
  readonly kit: Pick<ServiceKit, 'find' | 'create'>;
  readonly backup: Pick<ServiceBackup, 'prepareExport' | 'import' | 'verifyRestore'>;
  readonly events: EventsService;
  /** Runs schedules (BullMQ job schedulers on their own queue); a job's `app` is `<plugin>/<service>`. */
  readonly scheduler: CronScheduler;
  /** One S3 bucket's objects (app/infra/s3). */
  readonly s3: (login: S3Login) => BackupObjects;
  /** berth's backup directory ($BERTH_HOME/backups/services): folder targets must lie below it. */
  readonly root: string;
  /** Called after a scheduled (or manual) run failed and its event was recorded. */
  readonly onFailure?: (f: BackupFailure) => void | Promise<void>;
  /** Called when a restore of a backup failed verification, or a schedule's verification is stale. */
  readonly onUnverified?: (u: Unverified) => void | Promise<void>;
  readonly log?: (line: string) => void;
}

/** What the API shows of a backup or schedule: whether it is encrypted, never the passphrase. */
export type BackupView = Omit<BackupRecord, 'passphrase'> & { encrypted: boolean; verification?: RestoreVerification };
export type ScheduleView = Omit<BackupSchedule, 'passphrase'> & { encrypted: boolean };
const viewOf = ({ passphrase, ...rest }: BackupRecord): BackupView => ({ ...rest, encrypted: passphrase !== null });
const scheduleView = ({ passphrase, ...rest }: BackupSchedule): ScheduleView => ({ ...rest, encrypted: passphrase !== null });

const SCHEDULE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const MAX_KEEP = 1000;

/** A schedule's name: lowercase letters, digits and dashes, starting with a letter; BACKUP_SCHEDULE_INVALID otherwise. */
export function checkScheduleName(name: string): string {
  if (!SCHEDULE_NAME.test(name)) throw new BerthError('BACKUP_SCHEDULE_INVALID', `"${name.slice(0, 80)}" is not a schedule name: lowercase letters, digits and dashes, starting with a letter.`);
  return name;
}

/**
 * Service backups: the plugin's export streamed through gzip (and AES-256-GCM with a passphrase)
 * into a staging file below the backup directory, then moved into a folder target or uploaded to
 * S3; never held whole in memory. Schedules run in the worker; each run is an event, and after a
 * scheduled run only the schedule's newest `keep` backups are left.
 */
export class ServiceBackups {
  /** Restores each scheduled backup into a throw-away container and checks it (restore-verifier.ts). */
  readonly verifier: RestoreVerifier;
  private staleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: ServiceBackupsDeps) {
    this.verifier = new RestoreVerifier({
      store: deps.store.serviceBackups, backup: deps.backup, open: (r) => this.open(r), events: deps.events,
      onUnverified: deps.onUnverified, log: deps.log,
    });
  }

  private get store(): ServiceBackupsStore { return this.deps.store.serviceBackups; }

  async schedule(o: { plugin: string; service: string; name?: string; schedule: string; keep: number; to?: string; passphrase?: string; user: string | null }): Promise<ScheduleView> {
    this.deps.kit.find(o.plugin, o.service);
    const name = checkScheduleName(o.name ?? 'default');
    if (!Number.isInteger(o.keep) || o.keep < 1 || o.keep > MAX_KEEP) throw new BerthError('BACKUP_SCHEDULE_INVALID', `--keep must be a whole number from 1 to ${MAX_KEEP} (got ${String(o.keep).slice(0, 20)}).`);
    let schedule: string;
    try {
      schedule = normalizeSchedule(o.schedule);
    } catch (e) {
      throw new BerthError('BACKUP_SCHEDULE_INVALID', (e as Error).message);
    }
    const target = this.targetOf(o.to, o.plugin, o.service);
    const s: BackupSchedule = { plugin: o.plugin, service: o.service, name, schedule, keep: o.keep, target, passphrase: o.passphrase || null };
    this.store.setSchedule(s);
    this.deps.events.record({ app: null, kind: 'service.changed', user: o.user, message: `backup schedule ${name} of ${o.plugin} service ${o.service}: "${schedule}" to ${target}, keeping ${o.keep}${s.passphrase ? ', encrypted' : ''}` });
    await this.sync(o.plugin, o.service);
    return scheduleView(s);
  }

  async unschedule(o: { plugin: string; service: string; name?: string; user: string | null }): Promise<void> {
    this.deps.kit.find(o.plugin, o.service);
    const name = checkScheduleName(o.name ?? 'default');
    if (!this.store.removeSchedule(o.plugin, o.service, name)) {
      throw new BerthError('BACKUP_SCHEDULE_NOT_FOUND', `${o.plugin} service ${o.service} has no backup schedule "${name.slice(0, 80)}".`);
    }
    await this.sync(o.plugin, o.service);
    this.deps.events.record({ app: null, kind: 'service.changed', user: o.user, message: `backup schedule ${name} of ${o.plugin} service ${o.service} removed` });
  }

  /** The service's backups (newest first), schedules, and restore verifications (newest first; the newest passed one; stale schedules). */
  list(plugin: string, service: string): { backups: BackupView[]; schedules: ScheduleView[]; verifications: RestoreVerification[]; lastVerified: RestoreVerification | null; stale: string[] } {
    this.deps.kit.find(plugin, service);
    return {
      backups: this.store.list(plugin, service).map(viewOf),
      schedules: this.store.schedules().filter((s) => s.plugin === plugin && s.service === service).map(scheduleView),
      verifications: this.verifier.history(plugin, service),
      ...this.verifier.status(plugin, service),
    };
  }

  /** Restores one backup of the service into a throw-away container and checks it (also run after each scheduled backup). */
  async verify(o: { plugin: string; service: string; id: string; user: string | null }): Promise<RestoreVerification> {
    return this.verifier.verify(this.recordOf(o), o.user);
  }

  /** Makes the scheduler's set for one service the stored one (schedule/unschedule, and at start). */
  async sync(plugin: string, service: string): Promise<void> {
    const jobs = this.store.schedules().filter((s) => s.plugin === plugin && s.service === service)
      .map((s): CronJob => ({ app: `${plugin}/${service}`, name: s.name, command: '', schedule: s.schedule }));
    await this.deps.scheduler.replace(`${plugin}/${service}`, jobs);
  }

  /** One backup now: `schedule` set for a scheduled run (its target, passphrase and retention). */
  async run(o: { plugin: string; service: string; schedule?: BackupSchedule; to?: string; passphrase?: string; user: string | null }): Promise<BackupView> {
    // First: the default folder is made of the service's name, which find() checks.
    this.deps.kit.find(o.plugin, o.service);
    const target = o.schedule?.target ?? this.targetOf(o.to, o.plugin, o.service);
    try {
      const record = await this.write({ plugin: o.plugin, service: o.service, target, passphrase: (o.schedule ? o.schedule.passphrase : o.passphrase) || null, schedule: o.schedule?.name ?? null });
      this.deps.events.record({ app: null, kind: 'service.backup', user: o.user, message: `backed up ${o.plugin} service ${o.service} to ${target} as ${record.id} (${record.size} bytes${record.passphrase ? ', encrypted' : ''})` });
      // Read back from the target and restored in a throw-away container: a backup counts once it is proven.
      const verification = o.schedule ? await this.verifier.verify(record, o.user) : undefined;
      if (o.schedule) await this.prune(o.schedule);
      return { ...viewOf(record), ...(verification ? { verification } : {}) };
    } catch (e) {
      const message = (e as Error).message;
      this.deps.events.record({ app: null, kind: 'service.backup-failed', user: o.user, message: `backup of ${o.plugin} service ${o.service} to ${target} failed: ${message}` });
      await Promise.resolve(this.deps.onFailure?.({ plugin: o.plugin, service: o.service, schedule: o.schedule?.name ?? null, target, message }))
        .catch((err: Error) => this.deps.log?.(`backup failure hook: ${err.message}`));
      // A scheduled run with no backup to restore is a failed verification too ("last verified restore" shows it).
      if (o.schedule) {
        try { this.verifier.recordFailedRun({ plugin: o.plugin, service: o.service, schedule: o.schedule.name, message }); } catch (err) { this.deps.log?.(`recording the failed run: ${(err as Error).message}`); }
      }
      throw e;
    }
  }

  /** Runs a schedule now (its target, passphrase and retention), as if it were due. */
  async runSchedule(o: { plugin: string; service: string; name: string; user: string | null }): Promise<BackupView> {
    this.deps.kit.find(o.plugin, o.service);
    const s = this.store.schedule(o.plugin, o.service, o.name);
    if (!s) throw new BerthError('BACKUP_SCHEDULE_NOT_FOUND', `${o.plugin} service ${o.service} has no backup schedule "${o.name.slice(0, 80)}".`);
    return this.run({ plugin: o.plugin, service: o.service, schedule: s, user: o.user });
  }

  /** Restores a backup into the service, or into a new service `into` of the same plugin. */
  async restore(o: { plugin: string; service: string; id: string; into?: string; user: string | null }): Promise<{ service: string }> {
    const record = this.recordOf(o);
    const dest = o.into ?? o.service;
    if (o.into !== undefined) await this.deps.kit.create({ plugin: o.plugin, name: o.into, user: o.user });
    const dump = await this.open(record);
    const importing = this.deps.backup.import({ plugin: o.plugin, name: dest, input: dump.input, user: o.user });
    try {
      await Promise.all([dump.reading, importing]);
    } catch (e) {
      dump.cancel();
      throw e;
    }
    this.deps.events.record({ app: null, kind: 'service.changed', user: o.user, message: `restored backup ${record.id} of ${o.plugin} service ${o.service} into ${dest}` });
    return { service: dest };
  }

  /** The service's backup `id`; BACKUP_NOT_FOUND when it is another service's or none. */
  private recordOf(o: { plugin: string; service: string; id: string }): BackupRecord {
    this.deps.kit.find(o.plugin, o.service);
    const record = this.store.get(o.id);
    if (!record || record.plugin !== o.plugin || record.service !== o.service) {
      throw new BerthError('BACKUP_NOT_FOUND', `${o.plugin} service ${o.service} has no backup "${o.id.slice(0, 80)}"; \`berth backups:list ${o.service}\` lists them.`);
    }
    return record;
  }

  /** A backup's dump as its target holds it (downloaded from S3, read from the folder), decrypted and unzipped. */
  private async open(record: BackupRecord): Promise<OpenedDump> {
    const source = (await this.objectsOf(record.target).get(record.key)) as Readable;
    const input = new PassThrough();
    const reading = pipeline([source, ...(record.passphrase ? [decryptStream(record.passphrase)] : []), createGunzip(), input]);
    return { input, reading, cancel: () => { source.destroy(); input.destroy(); } };
  }

  /** The worker's handler of due schedules. A run already going for the same schedule is not doubled. */
  private readonly running = new Set<string>();
  readonly handle = async (job: CronJob): Promise<void> => {
    const [plugin, service] = job.app.split('/');
    const s = this.store.schedule(plugin, service, job.name);
    // Unscheduled meanwhile (or by another process): the scheduler forgets it too.
    if (!s) { await this.sync(plugin, service); return; }
    const key = `${job.app}|${job.name}`;
    if (this.running.has(key)) { this.deps.log?.(`backup ${key} skipped: its previous run is still going`); return; }
    this.running.add(key);
    try {
      await this.run({ plugin, service, schedule: s, user: null });
    } catch (e) {
      this.deps.log?.(`scheduled backup ${key} failed: ${(e as Error).message}`);
    } finally {
      this.running.delete(key);
    }
  };

  /** `others`: handlers of other jobs on the same queue, by their `app` (berth's own backup). */
  async startWorker(concurrency: number, others: Record<string, CronHandler> = {}): Promise<void> {
    await this.syncAll();
    await this.deps.scheduler.startWorker((job) => (Object.hasOwn(others, job.app) ? others[job.app](job) : this.handle(job)), concurrency);
    // Stale verifications (a schedule that stopped running, or whose restores stopped passing): looked for every 10 minutes.
    const look = () => { this.verifier.checkStale().catch((e: Error) => this.deps.log?.(`stale verification check: ${e.message}`)); };
    look();
    this.staleTimer = setInterval(look, 10 * 60_000);
    this.staleTimer.unref();
  }

  stopWorker(): void {
    if (this.staleTimer) clearInterval(this.staleTimer);
    this.staleTimer = null;
  }

  /** Schedules live in SQLite; Redis may have been emptied (or the rows restored) since: makes its set the stored one. */
  async syncAll(): Promise<void> {
    const services = new Set(this.store.schedules().map((s) => `${s.plugin}/${s.service}`));
    for (const k of services) await this.sync(k.split('/')[0], k.split('/')[1]);
  }

  setS3(login: S3Login, user: string | null): Array<Pick<S3Login, 'bucket' | 'endpoint' | 'region'>> {
    checkBucketName(login.bucket);
    let url: URL;
    try { url = new URL(login.endpoint); } catch { url = new URL('invalid:'); }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BerthError('BACKUP_TARGET_INVALID', `"${login.endpoint.slice(0, 200)}" is not an endpoint URL: use http(s)://host[:port].`);
    if (!login.accessKeyId || !login.secretAccessKey) throw new BerthError('INVALID_INPUT', 'An S3 login needs an access key id and a secret access key.');
    this.store.setS3({ ...login, region: login.region || 'us-east-1' });
    this.deps.events.record({ app: null, kind: 'service.changed', user, message: `S3 login for backups to bucket ${login.bucket} at ${url.origin} set` });
    return this.store.listS3();
  }

  listS3(): Array<Pick<S3Login, 'bucket' | 'endpoint' | 'region'>> { return this.store.listS3(); }

  removeS3(bucket: string, user: string | null): Array<Pick<S3Login, 'bucket' | 'endpoint' | 'region'>> {
    if (!this.store.removeS3(bucket)) throw new BerthError('BACKUP_S3_NOT_SET', `berth has no S3 login for bucket "${bucket.slice(0, 80)}".`);
    this.deps.events.record({ app: null, kind: 'service.changed', user, message: `S3 login for backups to bucket ${bucket} removed` });
    return this.store.listS3();
  }

  private targetOf(to: string | undefined, plugin: string, service: string): string {
    const target = parseTarget(to, { root: this.deps.root, plugin, service });
    if (target.kind === 's3' && !this.store.s3(target.bucket)) {
      throw new BerthError('BACKUP_S3_NOT_SET', `berth has no login for bucket ${target.bucket}: \`berth backups:s3-set ${target.bucket} --endpoint <url> --access-key-id <id>\` (admin) first.`);
    }
    return targetText(target);
  }

  private objectsOf(target: string): BackupObjects {
    const t = parseTarget(target.startsWith('dir:') ? target.slice(4) : target, { root: this.deps.root, plugin: '', service: '' });
    if (t.kind === 'dir') return dirObjects(this.deps.root);
    const login = this.store.s3(t.bucket);
    if (!login) throw new BerthError('BACKUP_S3_NOT_SET', `berth has no login for bucket ${t.bucket} any more: \`berth backups:s3-set ${t.bucket} …\` again.`);
    return this.deps.s3(login);
  }

  private keyOf(target: string, file: string): string {
    const t = parseTarget(target.startsWith('dir:') ? target.slice(4) : target, { root: this.deps.root, plugin: '', service: '' });
    return t.kind === 'dir' ? path.join(t.dir, file) : (t.prefix ? `${t.prefix}/${file}` : file);
  }

  private async write(o: { plugin: string; service: string; target: string; passphrase: string | null; schedule: string | null }): Promise<BackupRecord> {
    const objects = this.objectsOf(o.target);
    const exportTo = await this.deps.backup.prepareExport(o.plugin, o.service);
    const createdAt = new Date().toISOString();
    const id = `${o.plugin}-${o.service}-${createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${crypto.randomBytes(3).toString('hex')}`;
    const file = `${id}.dump.gz${o.passphrase ? '.enc' : ''}`;
    const staging = path.join(this.deps.root, '.staging');
    fs.mkdirSync(staging, { recursive: true, mode: 0o700 });
    const tmp = path.join(staging, `${file}.part`);
    try {
      await gzipDumpTo(tmp, exportTo, o.passphrase ? [encryptStream(o.passphrase)] : []);
      const size = fs.statSync(tmp).size;
      const key = this.keyOf(o.target, file);
      await objects.put(key, tmp, size);
      const record: BackupRecord = { id, plugin: o.plugin, service: o.service, schedule: o.schedule, target: o.target, key, size, passphrase: o.passphrase, createdAt };
      this.store.add(record);
      return record;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  /** Keeps the schedule's newest `keep` backups (to the schedule's current target); deletes the rest. */
  private async prune(s: BackupSchedule): Promise<void> {
    const mine = this.store.list(s.plugin, s.service).filter((b) => b.schedule === s.name && b.target === s.target);
    for (const old of mine.slice(s.keep)) {
      await this.objectsOf(old.target).remove(old.key);
      this.store.remove(old.id);
    }
  }
}
