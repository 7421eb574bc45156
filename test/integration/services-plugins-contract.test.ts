import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, startBerth, type BerthProcess } from '../support/berth-process';
import { requireBerthStack } from '../support/requirements';
import { serviceContract } from '../contract/service-plugin-contract';
import { ensureServiceImage, removeServiceLeftovers } from './services-support';

/** The service plugin contract against the example external plugin (installed from its folder) and the built-ins. */
describe('services: the plugin contract', function () {
  this.timeout(600_000);
  let berth: BerthProcess;
  const memcached = path.join(ROOT, 'examples/plugins/memcached');
  const builtins = ['postgres', 'redis', 'mariadb'].map((p) => path.join(ROOT, 'plugins', p));

  before(async () => {
    requireBerthStack();
    for (const dir of [memcached, ...builtins]) ensureServiceImage(dir);
    berth = await startBerth();
    const inst = berth.cli(['plugins:install', memcached]);
    assert.equal(inst.code, 0, inst.stderr);
    const list = JSON.parse(berth.cli(['plugins:list', '--json']).stdout).plugins as Array<{ id: string; origin: string; dir: string; status: string }>;
    const mc = list.find((p) => p.id === 'memcached');
    assert.deepEqual([mc?.status, mc?.origin, mc?.dir], ['loaded', 'installed', memcached], 'loaded from its own folder');
  });
  after(async () => {
    if (berth) removeServiceLeftovers(berth);
    await berth?.destroy();
  });

  for (const dir of [memcached, ...builtins]) serviceContract({ pluginDir: dir, berth: () => berth });
});
