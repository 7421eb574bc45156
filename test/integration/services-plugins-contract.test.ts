import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { serviceContract } from '../contract/service-plugin-contract';
import { ensureServiceImage, removeServiceLeftovers } from './services-support';

/** The service plugin contract against the example external plugin (installed from its folder) and the built-ins. */
describe('services: the plugin contract', function () {
  this.timeout(600_000);
  const memcached = path.join(ROOT, 'examples/plugins/memcached');
  const builtins = ['postgres', 'redis', 'mariadb'].map((p) => path.join(ROOT, 'plugins', p));

  after(async () => {
    if (isStarted(berth)) removeServiceLeftovers(berth);
  });
  const berth = useBerth({}, {
    setUp: () => {
      for (const dir of [memcached, ...builtins]) ensureServiceImage(dir);
    },
  });
  before(async () => {
    const inst = berth.cli(['plugins:install', memcached]);
    assert.equal(inst.code, 0, inst.stderr);
    const list = JSON.parse(berth.cli(['plugins:list', '--json']).stdout).plugins as Array<{ id: string; origin: string; dir: string; status: string }>;
    const mc = list.find((p) => p.id === 'memcached');
    assert.deepEqual([mc?.status, mc?.origin, mc?.dir], ['loaded', 'installed', memcached], 'loaded from its own folder');
  });

  for (const dir of [memcached, ...builtins]) serviceContract({ pluginDir: dir, berth: () => berth });
});
