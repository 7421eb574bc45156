import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { RestoreVerifier, intervalMs, type Unverified } from '../../../app/backups';
import type { EventsService } from '../../../app/events';
import type { BackupRecord, BackupSchedule } from '../../../app/ports/service-backups';
import { InMemoryServiceBackups } from '../../support/fakes/service-backups';

const HOUR = 3_600_000;

/** The backups' tables in memory (InMemoryServiceBackups, held to SQLite's by test/conformance/service-backups.ts) with these schedules. */
function fakes(schedules: BackupSchedule[], berth: { schedule: string; enabled: boolean } = { schedule: '0 3 * * *', enabled: false }) {
  const store = new InMemoryServiceBackups();
  for (const s of schedules) store.setSchedule(s);
  store.setBerthSchedule({ ...berth, keep: 7, target: 'dir:.' });
  const events: Array<{ kind: string; message: string }> = [];
  const told: Unverified[] = [];
  return { store, events, told, eventsService: { record: (e: { kind: string; message: string }) => { events.push(e); return e; } } as unknown as EventsService };
}

const record: BackupRecord = { id: 'postgres-db-1', plugin: 'postgres', service: 'db', schedule: 'nightly', target: 'dir:/x', key: '/x/1', size: 10, passphrase: null, createdAt: '2026-12-07T03:00:00.000Z' };
const nightly: BackupSchedule = { plugin: 'postgres', service: 'db', name: 'nightly', schedule: '0 3 * * *', keep: 3, target: 'dir:/x', passphrase: null };

describe('restore verifier', () => {
  it('a restore whose reading fails (a short file) is a failed verification even when the import took what came; an event and one alert', async () => {
    const f = fakes([nightly]);
    const verifier = new RestoreVerifier({
      store: f.store, events: f.eventsService, onUnverified: (u) => { f.told.push(u); },
      open: async () => ({ input: new PassThrough(), reading: Promise.reject(new Error('unexpected end of file')), cancel: () => undefined }),
      backup: { verifyRestore: async () => ({ report: { tables: { 'public.t': 1 } }, problems: [] }) },
    });
    const v = await verifier.verify(record, null);
    assert.deepEqual([v.ok, v.tables, v.problems], [false, null, ['the restore failed: unexpected end of file']]);
    assert.deepEqual(f.events.map((e) => e.kind), ['service.restore-failed']);
    assert.deepEqual(f.told, [{ plugin: 'postgres', service: 'db', schedule: 'nightly', reason: 'failed', detail: 'backup postgres-db-1: the restore failed: unexpected end of file' }]);
  });

  it('a passed one keeps the counts; the plugin check\'s problems fail it', async () => {
    const f = fakes([nightly]);
    let problems: string[] = [];
    const verifier = new RestoreVerifier({
      store: f.store, events: f.eventsService, onUnverified: (u) => { f.told.push(u); },
      open: async () => ({ input: new PassThrough(), reading: Promise.resolve(), cancel: () => undefined }),
      backup: { verifyRestore: async () => ({ report: { tables: { 'public.t': 3, 'public.u': 2 } }, problems }) },
    });
    const passed = await verifier.verify(record, null);
    assert.deepEqual([passed.ok, passed.tables, passed.problems], [true, { 'public.t': 3, 'public.u': 2 }, []]);
    assert.match(f.events[0].message, /^verified a restore of backup postgres-db-1 of postgres service db: 2 tables, 5 rows$/);
    problems = ['cut short'];
    const failed = await verifier.verify(record, null);
    assert.deepEqual([failed.ok, failed.problems], [false, ['cut short']]);
    assert.equal(verifier.status('postgres', 'db').lastVerified?.id, passed.id, 'the last verified restore is the newest passed one');
  });

  it('a schedule is stale once its newest passed verification is older than its interval plus the grace; told once until verified again', async () => {
    let now = Date.parse('2026-12-08T03:10:00.000Z');
    const f = fakes([nightly]);
    const verifier = new RestoreVerifier({
      store: f.store, events: f.eventsService, onUnverified: (u) => { f.told.push(u); }, now: () => now,
      open: async () => ({ input: new PassThrough(), reading: Promise.resolve(), cancel: () => undefined }),
      backup: { verifyRestore: async () => ({ report: { tables: {} }, problems: [] }) },
    });
    assert.equal(intervalMs('0 3 * * *', now), 24 * HOUR);
    assert.equal(verifier.staleness(nightly), null, 'never verified: nothing to compare');
    await verifier.verify(record, null);
    now += 24 * HOUR + 29 * 60_000;
    assert.deepEqual(await verifier.checkStale(), [], 'within a day and 30 minutes');
    now += 2 * 60_000;
    assert.deepEqual(await verifier.checkStale(), ['postgres/db/nightly']);
    assert.deepEqual(await verifier.checkStale(), [], 'told once');
    assert.deepEqual(f.told.map((t) => [t.reason, t.schedule]), [['stale', 'nightly']]);
    assert.match(f.told[0].detail, /^the newest verified restore \(2026-12-08T03:10:00\.000Z\) is 24\.5 h old; schedule "0 3 \* \* \*" allows 24\.5 h$/);
    assert.deepEqual(verifier.status('postgres', 'db').stale, ['nightly']);
    await verifier.verify(record, null);
    assert.deepEqual(verifier.status('postgres', 'db').stale, []);
  });
});

describe('restore verifier: berth\'s own schedule', () => {
  it('berth\'s own scheduled backups go stale like a service\'s (verified as @berth/berth, schedule berth); turned off, never', async () => {
    let now = Date.parse('2026-12-08T03:05:00.000Z');
    const on = fakes([], { schedule: '0 3 * * *', enabled: true });
    const verifier = new RestoreVerifier({
      store: on.store, events: on.eventsService, onUnverified: (u) => { on.told.push(u); }, now: () => now,
      open: async () => { throw new Error('not used'); }, backup: { verifyRestore: async () => { throw new Error('not used'); } },
    });
    await verifier.prove({ plugin: '@berth', service: 'berth', backupId: 'berth-backup-1-scheduled.tar', schedule: 'berth', user: null, what: 'berth itself' },
      async () => ({ report: { tables: { users: 1 } }, problems: [] }));
    now += 25 * HOUR;
    assert.deepEqual(await verifier.checkStale(), ['@berth/berth/berth']);
    assert.deepEqual(on.told.map((t) => [t.plugin, t.service, t.reason]), [['@berth', 'berth', 'stale']]);
    const off = fakes([], { schedule: '0 3 * * *', enabled: false });
    const quiet = new RestoreVerifier({ store: off.store, events: off.eventsService, now: () => now, open: async () => { throw new Error('x'); }, backup: { verifyRestore: async () => { throw new Error('x'); } } });
    await quiet.prove({ plugin: '@berth', service: 'berth', backupId: 'b', schedule: 'berth', user: null, what: 'berth itself' }, async () => ({ report: {}, problems: [] }));
    now += 48 * HOUR;
    assert.deepEqual(await quiet.checkStale(), []);
  });
});
