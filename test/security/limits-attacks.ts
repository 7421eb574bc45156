import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Tenant } from './tenant';

/**
 * `ps:set <app> retire-wait 3600` (and stop-timeout) let a developer keep every old container of
 * each restart for two hours: restarts in a row piled containers (memory, pids) on the host.
 */
export function limitsAttacks(t: () => Tenant): void {
  describe('drain knobs and scale cannot pile up containers', () => {
    it('retire-wait and stop-timeout above berth\'s caps are refused (422 INVALID_PS_SETTING) and nothing changes', async () => {
      const { appA, dev } = t();
      const before = (await t().api(dev.token, 'GET', `/api/v1/apps/${appA}/ps`)).json.report;
      const attempts: [Record<string, string>, string][] = [
        [{ retireWait: '3600' }, 'retire-wait 3600 is above this berth\'s cap of 600 s (BERTH_MAX_RETIRE_WAIT, set by the admin): give at most 600.'],
        [{ stopTimeout: '3600' }, 'stop-timeout 3600 is above this berth\'s cap of 120 s (BERTH_MAX_STOP_TIMEOUT, set by the admin): give at most 120.'],
        // Refused together: nothing of the request is stored.
        [{ retireWait: '30', stopTimeout: '121' }, 'stop-timeout 121 is above this berth\'s cap of 120 s (BERTH_MAX_STOP_TIMEOUT, set by the admin): give at most 120.'],
      ];
      for (const [body, message] of attempts) {
        const r = await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/ps`, body);
        assert.equal(r.status, 422, r.text);
        assert.equal(r.json.error.code, 'INVALID_PS_SETTING');
        assert.equal(r.json.error.message, message);
      }
      const after = (await t().api(dev.token, 'GET', `/api/v1/apps/${appA}/ps`)).json.report;
      assert.deepEqual([after.retireWait, after.stopTimeout], [before.retireWait, before.stopTimeout]);
      // At the cap it is taken.
      const ok = await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/ps`, { retireWait: '600', stopTimeout: '120' });
      assert.equal(ok.status, 200, ok.text);
      await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/ps`, { retireWait: null, stopTimeout: null });
    });

    it('a scale above 100 containers in all (50 per type, over many process types) is refused (422 INVALID_SCALE) and the formation stays', async () => {
      const { berth, appA, dev, tree } = t();
      // Earlier attacks leave a refused nginx.conf.njk in the shared work tree.
      fs.rmSync(path.join(tree.dir, 'nginx.conf.njk'), { force: true });
      tree.write('Procfile', 'web: /bin/sh /start.sh\na: sleep 1000\nb: sleep 1000\n');
      tree.commitAll('three process types');
      try {
        const pushed = tree.push(berth.url, dev.token, appA);
        assert.equal(pushed.code, 0, pushed.output);
        const before = (await t().api(dev.token, 'GET', `/api/v1/apps/${appA}/ps/scale`)).json.scale;
        assert.deepEqual(before, { web: 1, a: 0, b: 0 });
        const r = await t().api(dev.token, 'POST', `/api/v1/apps/${appA}/ps/scale`, { scale: { a: 50, b: 50 } });
        assert.equal(r.status, 422, r.text);
        assert.equal(r.json.error.code, 'INVALID_SCALE');
        assert.equal(r.json.error.message, `That makes 101 containers of ${appA} in all; berth runs at most 100 per app: scale other process types down first.`);
        assert.deepEqual((await t().api(dev.token, 'GET', `/api/v1/apps/${appA}/ps/scale`)).json.scale, before);
      } finally {
        fs.rmSync(path.join(tree.dir, 'Procfile'), { force: true });
        tree.commitAll('no Procfile');
      }
    });
  });
}
