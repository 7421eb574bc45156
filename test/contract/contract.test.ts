/** The contract suite against BERTH_CONTRACT_PLUGIN (set by run.ts), in a berth of its own. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readManifest } from '../../app/plugins';
import { ROOT } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { serviceContract } from './service-plugin-contract';

const dir = process.env.BERTH_CONTRACT_PLUGIN;
if (dir) {
  const real = fs.realpathSync(dir);
  const builtin = path.dirname(real) === path.join(ROOT, 'plugins');
  const berth = useBerth(builtin ? {} : { BERTH_PLUGINS_PATH: real }, {
    setUp() {
      this.timeout(120_000);
      const image = readManifest(real).image;
      const script = path.join(real, 'image.sh');
      if (image && fs.existsSync(script)) spawnSync('bash', [script], { stdio: 'inherit' });
    },
  });
  serviceContract({ pluginDir: real, berth: () => berth });
}
