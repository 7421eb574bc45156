/**
 * `npm run test:plugin -- <plugin-folder>`: the service plugin contract against one plugin,
 * through a real berth that loads it from its folder. Needs docker, redis and nginx running
 * (bash deploy/services.sh ensure) and the plugin's image (its image.sh).
 */
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

const dir = process.argv[2];
if (!dir || !fs.existsSync(path.join(path.resolve(dir), 'plugin.json'))) {
  process.stderr.write('usage: npm run test:plugin -- <plugin-folder>   (a folder with plugin.json)\n');
  process.exit(2);
}
process.env.BERTH_CONTRACT_PLUGIN = path.resolve(dir);
const mocha = new Mocha({ timeout: 300_000 });
mocha.addFile(path.join(__dirname, 'contract.test.js'));
mocha.run((failures) => { process.exitCode = failures > 0 ? 1 : 0; });
