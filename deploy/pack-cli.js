#!/usr/bin/env node
// Packs the berth CLI on its own: `node deploy/pack-cli.js [out-dir]` (after `npm run build`) writes
// berth-cli-<version>.tgz, installable anywhere with `npm install -g ./berth-cli-<version>.tgz`.
// The CLI talks to berth only over its REST API and imports nothing outside app/cli but Node's own
// modules (test/unit/layering.test.ts), so the package has no dependencies at all.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const out = path.resolve(process.argv[2] || path.join(root, 'dist'));
const built = path.join(root, 'dist', 'app', 'cli');
if (!fs.existsSync(path.join(built, 'main.js'))) {
  process.stderr.write(`the CLI is not built: run npm run build in ${root}\n`);
  process.exit(1);
}
const { version, license } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-'));
try {
  fs.cpSync(built, path.join(stage, 'lib', 'cli'), { recursive: true, filter: (f) => !f.endsWith('.map') });
  fs.mkdirSync(path.join(stage, 'bin'));
  fs.writeFileSync(path.join(stage, 'bin', 'berth'), "#!/usr/bin/env node\n'use strict';\nrequire('../lib/cli/main.js');\n", { mode: 0o755 });
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify({
    name: 'berth-cli', version, license, description: 'The command-line client of berth, a self-hosted PaaS: run it on your laptop against berth\'s HTTPS address.',
    bin: { berth: 'bin/berth' }, files: ['bin', 'lib'], engines: { node: '>=20' },
  }, null, 2)}\n`);
  fs.writeFileSync(path.join(stage, 'README.md'), [
    '# berth-cli', '', 'The berth command line, for any machine with Node.js 20 or newer.', '',
    '    berth login https://berth.example.com --user you   # asks for your password; --ca-file <pem> for a private CA',
    '    berth git:remote myapp                             # in the app\'s checkout: the paas remote, HTTPS or --ssh',
    '    git push paas main', '',
  ].join('\n'));
  fs.mkdirSync(out, { recursive: true });
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop();
  process.stdout.write(`${path.join(out, name)}\n`);
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
