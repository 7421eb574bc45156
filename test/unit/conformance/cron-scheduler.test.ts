import assert from 'node:assert/strict';
import type { CronJob } from '../../../app/ports/cron-scheduler';
import { cronSchedulerConformance } from '../../conformance/cron-scheduler';
import { InMemoryCronScheduler } from '../../support/fakes/cron-scheduler';

cronSchedulerConformance('InMemoryCronScheduler (test/support/fakes)', async () => {
  const cron = new InMemoryCronScheduler();
  return { one: cron, two: cron, close: () => cron.close() };
});

describe('InMemoryCronScheduler: fire', () => {
  it('runs a registered job through the worker\'s handler, and refuses one that is not registered', async () => {
    const cron = new InMemoryCronScheduler();
    const ran: CronJob[] = [];
    await cron.startWorker(async (j) => { ran.push(j); });
    await cron.replace('shop', [{ app: 'shop', name: 'report', command: 'node report.js', schedule: '0 3 * * *' }]);
    await cron.fire('shop', 'report');
    assert.deepEqual(ran, [{ app: 'shop', name: 'report', command: 'node report.js', schedule: '0 3 * * *' }]);
    await assert.rejects(cron.fire('shop', 'gone'), /no cron job gone of shop/);
  });
});
