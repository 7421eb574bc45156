import assert from 'node:assert/strict';
import type { BackupRecord, BackupSchedule, RestoreVerification, ServiceBackupsStore } from '../../app/ports/service-backups';

export interface OpenedServiceBackups {
  readonly backups: ServiceBackupsStore;
  close(): void;
}

const schedule = (service: string, name: string, o: Partial<BackupSchedule> = {}): BackupSchedule => ({
  plugin: 'postgres', service, name, schedule: '0 3 * * *', keep: 7, target: `dir:/srv/backups/${service}`, passphrase: null, ...o,
});
const backup = (id: string, minute: number, o: Partial<BackupRecord> = {}): BackupRecord => ({
  id, plugin: 'postgres', service: 'db', schedule: 'nightly', target: 'dir:/srv/backups/db', key: `/srv/backups/db/${id}.dump`, size: 1024 + minute,
  passphrase: null, createdAt: new Date(Date.UTC(2026, 11, 8, 3, minute)).toISOString(), ...o,
});
const check = (service: string, n: number, o: Partial<RestoreVerification> = {}): Omit<RestoreVerification, 'id'> => ({
  plugin: 'postgres', service, backupId: `${service}-${n}`, schedule: 'nightly', ok: true, tables: { 'public.users': n, 'public.orders': 2 * n },
  keys: null, sample: [`row ${n}`], problems: [], verifiedAt: new Date(Date.UTC(2026, 11, 8, 3, 0, n)).toISOString(), seconds: 1.25, ...o,
});

/**
 * What the backups' tables promise app/backups (app/ports/service-backups.ts: berth's own schedule, service
 * schedules, the backups made, restore verifications, S3 logins), run against SQLite (infra/sqlite, passphrases and
 * keys sealed at rest, a fresh database file) and the unit tests' InMemoryServiceBackups, both in
 * test/unit/conformance/service-backups.test.ts. The objects themselves: test/conformance/backup-objects.ts.
 */
export function serviceBackupsConformance(name: string, open: () => OpenedServiceBackups): void {
  describe(`service backups conformance: ${name}`, () => {
    let o: OpenedServiceBackups;
    beforeEach(() => { o = open(); });
    afterEach(() => o?.close());

    it('berth\'s own schedule: none stored at first, then the last one set, whole', () => {
      assert.equal(o.backups.berthSchedule(), null);
      o.backups.setBerthSchedule({ schedule: '0 * * * *', keep: 2, target: 'dir:hourly', enabled: true });
      o.backups.setBerthSchedule({ schedule: '0 4 * * *', keep: 9, target: 's3://bucket/berth', enabled: false });
      assert.deepEqual(o.backups.berthSchedule(), { schedule: '0 4 * * *', keep: 9, target: 's3://bucket/berth', enabled: false });
    });

    it('schedules: one per plugin, service and name, replaced whole (a passphrase cleared by null), listed in that order; remove answers whether it did', () => {
      o.backups.setSchedule(schedule('db', 'nightly', { passphrase: 'hunter2' }));
      o.backups.setSchedule(schedule('db', 'hourly', { schedule: '0 * * * *', keep: 24 }));
      o.backups.setSchedule(schedule('analytics', 'weekly', { schedule: '0 5 * * 0', target: 's3://bucket/pg' }));
      o.backups.setSchedule({ ...schedule('cache', 'nightly'), plugin: 'mysql' });
      assert.deepEqual(o.backups.schedule('postgres', 'db', 'nightly'), schedule('db', 'nightly', { passphrase: 'hunter2' }));
      o.backups.setSchedule(schedule('db', 'nightly', { keep: 3, target: 's3://bucket/db' }));
      assert.deepEqual(o.backups.schedule('postgres', 'db', 'nightly'), schedule('db', 'nightly', { keep: 3, target: 's3://bucket/db' }));
      assert.deepEqual(o.backups.schedules().map((s) => [s.plugin, s.service, s.name]),
        [['mysql', 'cache', 'nightly'], ['postgres', 'analytics', 'weekly'], ['postgres', 'db', 'hourly'], ['postgres', 'db', 'nightly']]);
      assert.equal(o.backups.schedule('postgres', 'db', 'weekly'), null);
      assert.equal(o.backups.removeSchedule('postgres', 'db', 'hourly'), true);
      assert.equal(o.backups.removeSchedule('postgres', 'db', 'hourly'), false);
      assert.deepEqual(o.backups.schedules().map((s) => s.name), ['nightly', 'weekly', 'nightly']);
    });

    it('backups: read back whole (a passphrase too), one service\'s newest first (by time, then id), an id taken once, remove', () => {
      o.backups.add(backup('b-2', 10, { passphrase: 'hunter2' }));
      o.backups.add(backup('b-1', 5, { schedule: null }));
      o.backups.add(backup('b-3', 10));
      o.backups.add(backup('c-1', 20, { service: 'other' }));
      assert.deepEqual(o.backups.get('b-2'), backup('b-2', 10, { passphrase: 'hunter2' }));
      assert.deepEqual(o.backups.get('b-1'), backup('b-1', 5, { schedule: null }));
      assert.equal(o.backups.get('nope'), null);
      assert.deepEqual(o.backups.list('postgres', 'db').map((b) => b.id), ['b-3', 'b-2', 'b-1']);
      assert.throws(() => o.backups.add(backup('b-2', 30)), /UNIQUE constraint failed/);
      assert.deepEqual(o.backups.get('b-2')?.createdAt, backup('b-2', 10).createdAt);
      o.backups.remove('b-3');
      o.backups.remove('b-3');
      assert.deepEqual([o.backups.list('postgres', 'db').map((b) => b.id), o.backups.list('postgres', 'other').map((b) => b.id), o.backups.list('mysql', 'db')],
        [['b-2', 'b-1'], ['c-1'], []]);
    });

    it('verifications: each answered with a new id and read back whole, one service\'s newest first up to the limit', () => {
      const a = o.backups.addVerification(check('db', 1));
      const failed = o.backups.addVerification(check('db', 2, { ok: false, backupId: null, tables: null, keys: 3, sample: [], problems: ['the restore failed: short file'], seconds: 0.5 }));
      const other = o.backups.addVerification(check('cache', 1, { tables: null, keys: 12 }));
      assert.equal(new Set([a.id, failed.id, other.id]).size, 3);
      assert.deepEqual(a, { ...check('db', 1), id: a.id });
      assert.deepEqual(o.backups.verifications('postgres', 'db', 10), [
        { ...check('db', 2, { ok: false, backupId: null, tables: null, keys: 3, sample: [], problems: ['the restore failed: short file'], seconds: 0.5 }), id: failed.id },
        { ...check('db', 1), id: a.id },
      ]);
      assert.deepEqual(o.backups.verifications('postgres', 'db', 1).map((v) => v.id), [failed.id]);
      assert.deepEqual(o.backups.verifications('postgres', 'cache', 10), [{ ...check('cache', 1, { tables: null, keys: 12 }), id: other.id }]);
      assert.deepEqual(o.backups.verifications('mysql', 'db', 10), []);
    });

    it('verifications: the newest 100 of a service are kept, older ones go, other services\' stay', () => {
      const first = o.backups.addVerification(check('cache', 0));
      const ids = Array.from({ length: 102 }, (_, n) => o.backups.addVerification(check('db', n)).id);
      const kept = o.backups.verifications('postgres', 'db', 1000);
      assert.deepEqual(kept.map((v) => v.id), ids.slice(2).reverse());
      assert.deepEqual(kept.at(-1)?.backupId, 'db-2');
      assert.deepEqual(o.backups.verifications('postgres', 'cache', 1000).map((v) => v.id), [first.id]);
    });

    it('S3 logins: per bucket, replaced whole, keys read back only one by one, the list by bucket without keys; removeS3 answers whether it did', () => {
      o.backups.setS3({ bucket: 'zeta', endpoint: 'https://s3.test', region: 'eu-1', accessKeyId: 'AK1', secretAccessKey: 'SK1' });
      o.backups.setS3({ bucket: 'alpha', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', accessKeyId: 'AK2', secretAccessKey: 'SK2' });
      o.backups.setS3({ bucket: 'zeta', endpoint: 'https://s3b.test', region: 'eu-2', accessKeyId: 'AK3', secretAccessKey: 'SK3' });
      assert.deepEqual(o.backups.s3('zeta'), { bucket: 'zeta', endpoint: 'https://s3b.test', region: 'eu-2', accessKeyId: 'AK3', secretAccessKey: 'SK3' });
      assert.equal(o.backups.s3('nope'), null);
      assert.deepEqual(o.backups.listS3(), [
        { bucket: 'alpha', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1' },
        { bucket: 'zeta', endpoint: 'https://s3b.test', region: 'eu-2' },
      ]);
      assert.equal(o.backups.removeS3('alpha'), true);
      assert.equal(o.backups.removeS3('alpha'), false);
      assert.deepEqual([o.backups.s3('alpha'), o.backups.listS3().map((l) => l.bucket)], [null, ['zeta']]);
    });
  });
}
