import type Database from 'better-sqlite3';
import type { BackupRecord, BackupSchedule, RestoreVerification, S3Login, ServiceBackupsStore } from '../../ports/service-backups';
import { now } from './clock';
import type { SecretBox } from './secret-box';

/** Tables of app/backups (and berth's own backup schedule); passphrases and S3 keys sealed with the secret box like config values. */
export function sqliteServiceBackupsStore(db: Database.Database, box: SecretBox): ServiceBackupsStore {
  type ScheduleRow = { plugin: string; service: string; name: string; schedule: string; keep: number; target: string; passphrase: string | null };
  type BackupRow = { id: string; plugin: string; service: string; schedule: string | null; target: string; key: string; size: number; passphrase: string | null; created_at: string };
  type S3Row = { bucket: string; endpoint: string; region: string; access_key_id: string; secret_access_key: string };
  const opened = (s: string | null): string | null => (s === null ? null : box.open(s));
  // Field by field: the row also has updated_at, which is not the port's (a spread once sent it on through the API's schedule views).
  const toSchedule = (r: ScheduleRow): BackupSchedule => ({
    plugin: r.plugin, service: r.service, name: r.name, schedule: r.schedule, keep: r.keep, target: r.target, passphrase: opened(r.passphrase),
  });
  const toBackup = (r: BackupRow): BackupRecord => ({
    id: r.id, plugin: r.plugin, service: r.service, schedule: r.schedule, target: r.target, key: r.key, size: r.size,
    passphrase: opened(r.passphrase), createdAt: r.created_at,
  });
  type BerthRow = { schedule: string; keep: number; target: string; enabled: number };
  type VerificationRow = { id: number; plugin: string; service: string; backup_id: string | null; schedule: string | null; ok: number; detail: string; verified_at: string; seconds: number };
  const toVerification = (r: VerificationRow): RestoreVerification => {
    const d = JSON.parse(r.detail) as Pick<RestoreVerification, 'tables' | 'keys' | 'sample' | 'problems'>;
    return {
      id: r.id, plugin: r.plugin, service: r.service, backupId: r.backup_id, schedule: r.schedule, ok: r.ok === 1,
      tables: d.tables ?? null, keys: d.keys ?? null, sample: d.sample ?? [], problems: d.problems ?? [], verifiedAt: r.verified_at, seconds: r.seconds,
    };
  };
  return {
    addVerification(v) {
      const detail = JSON.stringify({ tables: v.tables, keys: v.keys, sample: v.sample, problems: v.problems });
      const id = Number(db.prepare('INSERT INTO backup_verifications (plugin, service, backup_id, schedule, ok, detail, verified_at, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(v.plugin, v.service, v.backupId, v.schedule, v.ok ? 1 : 0, detail, v.verifiedAt, v.seconds).lastInsertRowid);
      // The newest 100 per service are enough to show a history; older ones go.
      db.prepare('DELETE FROM backup_verifications WHERE plugin = ? AND service = ? AND id NOT IN (SELECT id FROM backup_verifications WHERE plugin = ? AND service = ? ORDER BY id DESC LIMIT 100)')
        .run(v.plugin, v.service, v.plugin, v.service);
      return { ...v, id };
    },
    verifications(plugin, service, limit) {
      return db.prepare<[string, string, number], VerificationRow>('SELECT * FROM backup_verifications WHERE plugin = ? AND service = ? ORDER BY id DESC LIMIT ?')
        .all(plugin, service, limit).map(toVerification);
    },
    berthSchedule() {
      const r = db.prepare<[], BerthRow>('SELECT schedule, keep, target, enabled FROM berth_backup_schedule WHERE id = 1').get();
      return r ? { schedule: r.schedule, keep: r.keep, target: r.target, enabled: r.enabled === 1 } : null;
    },
    setBerthSchedule(s) {
      db.prepare(`INSERT INTO berth_backup_schedule (id, schedule, keep, target, enabled, updated_at) VALUES (1, ?, ?, ?, ?, ?)
                  ON CONFLICT(id) DO UPDATE SET schedule = excluded.schedule, keep = excluded.keep, target = excluded.target,
                  enabled = excluded.enabled, updated_at = excluded.updated_at`)
        .run(s.schedule, s.keep, s.target, s.enabled ? 1 : 0, now());
    },
    schedules() {
      return db.prepare<[], ScheduleRow>('SELECT * FROM service_backup_schedules ORDER BY plugin, service, name').all().map(toSchedule);
    },
    schedule(plugin, service, name) {
      const r = db.prepare<[string, string, string], ScheduleRow>('SELECT * FROM service_backup_schedules WHERE plugin = ? AND service = ? AND name = ?').get(plugin, service, name);
      return r ? toSchedule(r) : null;
    },
    setSchedule(s) {
      db.prepare(`INSERT INTO service_backup_schedules (plugin, service, name, schedule, keep, target, passphrase, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT(plugin, service, name) DO UPDATE SET schedule = excluded.schedule, keep = excluded.keep, target = excluded.target,
                  passphrase = excluded.passphrase, updated_at = excluded.updated_at`)
        .run(s.plugin, s.service, s.name, s.schedule, s.keep, s.target, s.passphrase === null ? null : box.seal(s.passphrase), now());
    },
    removeSchedule(plugin, service, name) {
      return db.prepare('DELETE FROM service_backup_schedules WHERE plugin = ? AND service = ? AND name = ?').run(plugin, service, name).changes > 0;
    },
    add(r) {
      db.prepare('INSERT INTO service_backups (id, plugin, service, schedule, target, key, size, passphrase, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(r.id, r.plugin, r.service, r.schedule, r.target, r.key, r.size, r.passphrase === null ? null : box.seal(r.passphrase), r.createdAt);
    },
    get(id) {
      const r = db.prepare<[string], BackupRow>('SELECT * FROM service_backups WHERE id = ?').get(id);
      return r ? toBackup(r) : null;
    },
    list(plugin, service) {
      return db.prepare<[string, string], BackupRow>('SELECT * FROM service_backups WHERE plugin = ? AND service = ? ORDER BY created_at DESC, id DESC').all(plugin, service).map(toBackup);
    },
    remove(id) {
      db.prepare('DELETE FROM service_backups WHERE id = ?').run(id);
    },
    s3(bucket) {
      const r = db.prepare<[string], S3Row>('SELECT * FROM backup_s3_logins WHERE bucket = ?').get(bucket);
      return r ? { bucket: r.bucket, endpoint: r.endpoint, region: r.region, accessKeyId: box.open(r.access_key_id), secretAccessKey: box.open(r.secret_access_key) } : null;
    },
    setS3(l: S3Login) {
      db.prepare(`INSERT INTO backup_s3_logins (bucket, endpoint, region, access_key_id, secret_access_key, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                  ON CONFLICT(bucket) DO UPDATE SET endpoint = excluded.endpoint, region = excluded.region, access_key_id = excluded.access_key_id,
                  secret_access_key = excluded.secret_access_key, updated_at = excluded.updated_at`)
        .run(l.bucket, l.endpoint, l.region, box.seal(l.accessKeyId), box.seal(l.secretAccessKey), now());
    },
    listS3() {
      return db.prepare<[], S3Row>('SELECT bucket, endpoint, region FROM backup_s3_logins ORDER BY bucket').all().map((r) => ({ bucket: r.bucket, endpoint: r.endpoint, region: r.region }));
    },
    removeS3(bucket) {
      return db.prepare('DELETE FROM backup_s3_logins WHERE bucket = ?').run(bucket).changes > 0;
    },
  };
}
