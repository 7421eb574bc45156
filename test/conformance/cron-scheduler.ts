import assert from 'node:assert/strict';
import type { CronJob, CronScheduler } from '../../app/ports/cron-scheduler';

export interface OpenedCron {
  /** Two handles on the same schedules, as two berth processes (web and worker) have. */
  readonly one: CronScheduler;
  readonly two: CronScheduler;
  close(): Promise<void>;
}

/**
 * What every CronScheduler must do with an app's set of jobs (app/ports/cron-scheduler.ts), run
 * against BullMQ's job schedulers on Redis (test/integration/cron-scheduler-conformance.test.ts)
 * and the unit tests' InMemoryCronScheduler (test/unit/conformance/cron-scheduler.test.ts).
 * Running due jobs is left out: 5-field schedules are due at most once a minute, too slow for a
 * suite (test/integration/cron.test.ts runs a real one).
 */
export function cronSchedulerConformance(name: string, open: () => Promise<OpenedCron>): void {
  describe(`cron scheduler conformance: ${name}`, function () {
    this.timeout(20_000);
    let c: OpenedCron;
    beforeEach(async () => { c = await open(); });
    afterEach(async () => { await c?.close(); });

    const job = (app: string, n: string, schedule = '*/5 * * * *', command = `echo ${n}`): CronJob => ({ app, name: n, command, schedule });
    const sorted = (jobs: CronJob[]) => [...jobs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    it('an app without jobs lists none; replace makes the set, listed with every field by every handle', async () => {
      assert.deepEqual(await c.one.list('shop'), []);
      await c.one.replace('shop', [job('shop', 'report', '0 3 * * *', 'node report.js --all'), job('shop', 'cleanup')]);
      assert.deepEqual(sorted(await c.two.list('shop')), [job('shop', 'cleanup'), job('shop', 'report', '0 3 * * *', 'node report.js --all')]);
    });

    it('a later replace changes a kept job, adds new ones and removes the rest; an empty set removes all', async () => {
      await c.one.replace('shop', [job('shop', 'a'), job('shop', 'b'), job('shop', 'c')]);
      await c.two.replace('shop', [job('shop', 'b', '15 * * * *', 'echo changed'), job('shop', 'd')]);
      assert.deepEqual(sorted(await c.one.list('shop')), [job('shop', 'b', '15 * * * *', 'echo changed'), job('shop', 'd')]);
      await c.one.replace('shop', []);
      assert.deepEqual(await c.two.list('shop'), []);
    });

    it('apps are apart, even one whose name starts with another\'s: a replace leaves the other\'s jobs alone', async () => {
      await c.one.replace('shop', [job('shop', 'a')]);
      await c.one.replace('shop-2', [job('shop-2', 'a'), job('shop-2', 'b')]);
      await c.one.replace('shop', []);
      assert.deepEqual(await c.one.list('shop'), []);
      assert.deepEqual(sorted(await c.two.list('shop-2')), [job('shop-2', 'a'), job('shop-2', 'b')]);
      assert.deepEqual(await c.two.list('sho'), []);
    });
  });
}
