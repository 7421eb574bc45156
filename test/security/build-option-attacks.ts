import assert from 'node:assert/strict';
import type { Tenant } from './tenant';

const TOKEN = 'npm-token-4f1e9c';

/** A build argument's literal value (dokku's way to hand a token to docker build) is a secret: viewers read no value. */
export function buildOptionAttacks(t: () => Tenant): void {
  describe('build-phase docker options: viewers read names, not values', () => {
    it('a viewer reads --build-arg NPM_TOKEN=[hidden] in docker-options, builder-dockerfile and the events; the developer reads the value', async () => {
      const { appA, viewer, dev } = t();
      const set = await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/docker-options`, { phase: 'build', add: [`--build-arg NPM_TOKEN=${TOKEN}`] });
      assert.equal(set.status, 200, set.text.slice(0, 200));
      try {
        const options = await t().api(viewer.token, 'GET', `/api/v1/apps/${appA}/docker-options`);
        assert.deepEqual(options.json.build, ['--build-arg NPM_TOKEN=[hidden]']);
        const report = await t().api(viewer.token, 'GET', `/api/v1/apps/${appA}/builder-dockerfile`);
        assert.deepEqual(report.json['docker-options-build'], ['--build-arg NPM_TOKEN=[hidden]']);
        const events = await t().api(viewer.token, 'GET', `/api/v1/events?app=${appA}`);
        assert.equal(events.status, 200);
        assert.equal(events.text.includes(TOKEN), false, 'no event carries the value');
        assert.match(events.text, /docker-options build: --build-arg NPM_TOKEN"/);
        assert.deepEqual((await t().api(dev.token, 'GET', `/api/v1/apps/${appA}/docker-options`)).json.build, [`--build-arg NPM_TOKEN=${TOKEN}`]);
      } finally {
        assert.equal((await t().api(dev.token, 'PATCH', `/api/v1/apps/${appA}/docker-options`, { phase: 'build', clear: true })).status, 200);
      }
    });
  });
}
