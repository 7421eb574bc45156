import assert from 'node:assert/strict';
import { CronService } from '../../app/cron';
import { MAX_CRON_ENTRIES, parseAppJson } from '../../app/manifest/app-json';
import { readersOf } from '../support/store-readers';

describe('cron cannot be used to flood the host', () => {
  it(`app.json may list at most ${MAX_CRON_ENTRIES} cron entries (INVALID_APP_JSON)`, () => {
    const entries = (n: number) => JSON.stringify({ cron: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, command: 'true', schedule: '* * * * *' })) });
    assert.equal(parseAppJson(entries(MAX_CRON_ENTRIES)).cron.length, MAX_CRON_ENTRIES);
    assert.throws(() => parseAppJson(entries(MAX_CRON_ENTRIES + 1)), (e: { code?: string; message: string }) =>
      e.code === 'INVALID_APP_JSON' && e.message === `app.json: cron has ${MAX_CRON_ENTRIES + 1} entries; an app may have at most ${MAX_CRON_ENTRIES}`);
  });

  it('a run that outlasts its interval is not started twice; the next one after it ends is', async () => {
    let finish!: () => void;
    const started: string[] = [];
    const runner = { run: (o: { tag: string }) => { started.push(o.tag); return new Promise<number>((r) => { finish = () => r(0); }); } };
    const store = { apps: { get: () => ({ name: 'a' }) }, releases: { current: () => ({ version: 1 }) } };
    const cron = new CronService({ ...readersOf(store as never), scheduler: {} as never, runner: runner as never });
    const job = { app: 'a', name: 'slow', command: 'sleep 600', schedule: '* * * * *' };
    const first = cron.handle(job);
    await cron.handle(job);
    assert.deepEqual(started, ['cron.slow']);
    finish();
    await first;
    const third = cron.handle(job);
    assert.deepEqual(started, ['cron.slow', 'cron.slow']);
    finish();
    await third;
  });
});
