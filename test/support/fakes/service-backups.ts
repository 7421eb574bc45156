import type {
  BackupRecord, BackupSchedule, BerthBackupSchedule, RestoreVerification, S3Login, ServiceBackupsStore,
} from '../../../app/ports/service-backups';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** The newest verifications kept per service, as infra/sqlite trims them. */
const KEPT_VERIFICATIONS = 100;

/**
 * The backups' tables in memory, for unit tests, as infra/sqlite keeps them (test/conformance/service-backups.ts
 * holds both to one contract): berth's own schedule replaced whole; schedules upserted per plugin, service and name
 * and listed in that order; backups newest first (by time, then id), an id taken once; verifications with ids never
 * given again, newest first, the newest 100 per service kept; S3 logins per bucket, listed by bucket without keys.
 */
export class InMemoryServiceBackups implements ServiceBackupsStore {
  private berth: BerthBackupSchedule | null = null;
  private readonly scheduleRows = new Map<string, BackupSchedule>();
  private readonly backups = new Map<string, BackupRecord>();
  private checks: RestoreVerification[] = [];
  private lastCheckId = 0;
  private readonly logins = new Map<string, S3Login>();

  berthSchedule(): BerthBackupSchedule | null { return this.berth ? { ...this.berth } : null; }
  setBerthSchedule(s: BerthBackupSchedule): void { this.berth = { schedule: s.schedule, keep: s.keep, target: s.target, enabled: s.enabled }; }

  schedules(): BackupSchedule[] {
    return [...this.scheduleRows.values()]
      .sort((a, b) => byText(a.plugin, b.plugin) || byText(a.service, b.service) || byText(a.name, b.name)).map((s) => ({ ...s }));
  }
  schedule(plugin: string, service: string, name: string): BackupSchedule | null {
    const s = this.scheduleRows.get(JSON.stringify([plugin, service, name]));
    return s ? { ...s } : null;
  }
  setSchedule(s: BackupSchedule): void {
    this.scheduleRows.set(JSON.stringify([s.plugin, s.service, s.name]), {
      plugin: s.plugin, service: s.service, name: s.name, schedule: s.schedule, keep: s.keep, target: s.target, passphrase: s.passphrase,
    });
  }
  removeSchedule(plugin: string, service: string, name: string): boolean { return this.scheduleRows.delete(JSON.stringify([plugin, service, name])); }

  add(r: BackupRecord): void {
    if (this.backups.has(r.id)) throw new Error('UNIQUE constraint failed: service_backups.id');
    this.backups.set(r.id, {
      id: r.id, plugin: r.plugin, service: r.service, schedule: r.schedule, target: r.target, key: r.key, size: r.size, passphrase: r.passphrase, createdAt: r.createdAt,
    });
  }
  get(id: string): BackupRecord | null { const r = this.backups.get(id); return r ? { ...r } : null; }
  list(plugin: string, service: string): BackupRecord[] {
    return [...this.backups.values()].filter((r) => r.plugin === plugin && r.service === service)
      .sort((a, b) => byText(b.createdAt, a.createdAt) || byText(b.id, a.id)).map((r) => ({ ...r }));
  }
  remove(id: string): void { this.backups.delete(id); }

  addVerification(v: Omit<RestoreVerification, 'id'>): RestoreVerification {
    this.lastCheckId += 1;
    const row: RestoreVerification = { ...structuredClone(v), id: this.lastCheckId };
    const own = (r: RestoreVerification) => r.plugin === v.plugin && r.service === v.service;
    const keep = new Set(this.checks.filter(own).map((r) => r.id).concat(row.id).slice(-KEPT_VERIFICATIONS));
    this.checks = [...this.checks.filter((r) => !own(r) || keep.has(r.id)), row];
    return { ...v, id: row.id };
  }
  verifications(plugin: string, service: string, limit: number): RestoreVerification[] {
    return this.checks.filter((r) => r.plugin === plugin && r.service === service).reverse().slice(0, limit).map((r) => structuredClone(r));
  }

  s3(bucket: string): S3Login | null { const l = this.logins.get(bucket); return l ? { ...l } : null; }
  setS3(l: S3Login): void {
    this.logins.set(l.bucket, { bucket: l.bucket, endpoint: l.endpoint, region: l.region, accessKeyId: l.accessKeyId, secretAccessKey: l.secretAccessKey });
  }
  listS3(): Array<Pick<S3Login, 'bucket' | 'endpoint' | 'region'>> {
    return [...this.logins.values()].sort((a, b) => byText(a.bucket, b.bucket)).map((l) => ({ bucket: l.bucket, endpoint: l.endpoint, region: l.region }));
  }
  removeS3(bucket: string): boolean { return this.logins.delete(bucket); }
}
