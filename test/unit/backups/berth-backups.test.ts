import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BerthBackups, BERTH_JOB_APP } from '../../../app/backups';
import { isBerthError } from '../../../app/errors';
import type { EventsService } from '../../../app/events';
import { InMemoryCronScheduler } from '../../support/fakes/cron-scheduler';
import { InMemoryServiceBackups } from '../../support/fakes/service-backups';

/** berth's backups kept by the server (fakes for the archive, the store and the scheduler): schedule, retention, listing, refusals. */
describe('berth backups on the server: schedule, retention, list (fakes)', () => {
  let root: string;
  let stored: InMemoryServiceBackups;
  let cron: InMemoryCronScheduler;
  let events: Array<{ kind: string; message: string }>;
  let failures: string[];
  let fail: Error | null;
  let n: number;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bbs-unit-'));
    stored = new InMemoryServiceBackups(); cron = new InMemoryCronScheduler(); events = []; failures = []; fail = null; n = 0;
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const make = (): BerthBackups => new BerthBackups({
    backup: {
      prepare: async () => {
        n += 1;
        return {
          name: `berth-backup-2026010${n}T000000000Z.tar`,
          write: async (out) => { if (fail) throw fail; out.write(`archive ${n}`); },
        };
      },
      restore: async () => { throw new Error('not in this test'); },
    },
    store: { serviceBackups: stored },
    s3: () => { throw new Error('no S3 here'); },
    scheduler: cron,
    root,
    events: { record: (e: { kind: string; message: string }) => { events.push(e); } } as unknown as EventsService,
    onFailure: (m) => { failures.push(m); },
  });
  const codeOf = async (p: Promise<unknown>): Promise<string> => {
    try { await p; } catch (e) { return isBerthError(e) ? e.code : `not a BerthError: ${(e as Error).message}`; }
    return 'no error';
  };

  it('without a stored schedule: daily at 03:00 into the backup directory, keeping 7; a folder is stored relative to it; off removes the job', async () => {
    const b = make();
    assert.deepEqual(b.schedule(), { schedule: '0 3 * * *', keep: 7, target: `dir:${root}`, enabled: true, isDefault: true });
    await b.sync();
    assert.deepEqual(await cron.list(BERTH_JOB_APP), [{ app: BERTH_JOB_APP, name: 'berth', command: '', schedule: '0 3 * * *' }]);
    await b.setSchedule({ schedule: '@hourly', keep: 2, to: 'nightly', user: 'admin' });
    assert.deepEqual(stored.berthSchedule(), { schedule: '0 * * * *', keep: 2, target: 'dir:nightly', enabled: true });
    assert.deepEqual(b.schedule(), { schedule: '0 * * * *', keep: 2, target: `dir:${path.join(root, 'nightly')}`, enabled: true, isDefault: false });
    assert.equal((await cron.list(BERTH_JOB_APP))[0].schedule, '0 * * * *');
    await b.disable('admin');
    assert.deepEqual(await cron.list(BERTH_JOB_APP), []);
    assert.equal(b.schedule().enabled, false);
  });

  it('a scheduled run keeps the newest --keep scheduled backups and leaves those made by hand; lists newest first; opens one', async () => {
    const b = make();
    await b.setSchedule({ schedule: '* * * * *', keep: 2, user: null });
    const byHand = await b.create({ user: 'admin' });
    const runs = [];
    for (let i = 0; i < 3; i += 1) runs.push(await b.create({ scheduled: true, user: null }));
    assert.deepEqual(fs.readdirSync(root).filter((f) => f !== '.staging').sort(), [byHand.name, runs[1].name, runs[2].name]);
    assert.deepEqual((await b.list()).map((x) => [x.name, x.scheduled]), [[runs[2].name, true], [runs[1].name, true], [byHand.name, false]]);
    assert.equal((await b.list())[0].createdAt, '2026-01-04T00:00:00.000Z');
    const { stream } = await b.open(runs[2].name);
    let text = '';
    for await (const c of stream) text += String(c);
    assert.equal(text, 'archive 4');
    assert.deepEqual(fs.readdirSync(path.join(root, '.staging')), []);
    assert.equal(events.filter((e) => e.kind === 'berth.backup' && e.message.startsWith('berth backed up to')).length, 4);
  });

  it('a failed run is a berth.backup-failed event and calls onFailure; nothing is left in staging', async () => {
    const b = make();
    fail = new Error('disk full');
    assert.equal(await codeOf(b.create({ scheduled: true, user: null })), 'not a BerthError: disk full');
    assert.deepEqual(events.map((e) => e.kind), ['berth.backup-failed']);
    assert.deepEqual(failures, ['disk full']);
    assert.deepEqual(fs.readdirSync(path.join(root, '.staging')), []);
    await b.handle({ app: BERTH_JOB_APP, name: 'berth', command: '', schedule: '* * * * *' });
    assert.deepEqual(failures, ['disk full', 'disk full'], 'a scheduled run that fails does not throw out of the worker');
  });

  it('refuses a folder outside the backup directory, S3 without a login, a bad S3 object, an unknown or ill-named backup', async () => {
    const b = make();
    assert.equal(await codeOf(b.create({ to: '../..', user: null })), 'BACKUP_TARGET_OUTSIDE');
    assert.equal(await codeOf(b.setSchedule({ schedule: '@daily', to: '/etc', user: null })), 'BACKUP_TARGET_OUTSIDE');
    assert.equal(await codeOf(b.create({ to: 's3://my-bucket/x', user: null })), 'BACKUP_S3_NOT_SET');
    assert.equal(await codeOf(b.restoreFrom('s3://my-bucket', () => undefined)), 'BACKUP_TARGET_INVALID');
    assert.equal(await codeOf(b.restoreFrom('s3://my-bucket/a/../b.tar', () => undefined)), 'BACKUP_TARGET_INVALID');
    assert.equal(await codeOf(b.restoreFrom('s3://my-bucket/b.tar', () => undefined)), 'BACKUP_S3_NOT_SET');
    assert.equal(await codeOf(b.open('../secret.key')), 'BACKUP_NOT_FOUND');
    assert.equal(await codeOf(b.open('berth-backup-20260101T000000000Z.tar')), 'BACKUP_NOT_FOUND');
    assert.equal(await codeOf(b.setSchedule({ schedule: '* * * *', user: null })), 'BACKUP_SCHEDULE_INVALID');
    assert.equal(await codeOf(b.setSchedule({ schedule: '@daily', keep: 0, user: null })), 'BACKUP_SCHEDULE_INVALID');
    assert.deepEqual(events, []);
  });
});
