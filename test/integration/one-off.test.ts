import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ROOT, uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';

describe('one-off commands: berth run and berth enter', function () {
  this.timeout(300_000);
  let wt: WorkTree;
  const app = uniqueName('oneoff');

  after(async () => {
    wt?.remove();
  });
  const berth = useBerth();
  before(async () => {
    wt = WorkTree.fromFixture('oneoff-app');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
    const set = berth.cli(['config:set', app, 'GREETING=hello there']);
    assert.equal(set.code, 0, set.stderr);
  });
  after(async () => {
    // The release images this file built (berth/<app>:vN).
    const images = spawnSync('docker', ['images', '-q', `berth/${app}`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
    if (images.length) spawnSync('docker', ['rmi', '-f', ...images]);
  });

  it('runs a command in a new container with the app env and exits with its code', () => {
    const r = berth.cli(['run', app, '--', 'sh', '-c', 'echo "port=$PORT greeting=$GREETING"; echo oops >&2; exit 7']);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stdout, /port=5000 greeting=hello there/);
    assert.match(r.stdout, /oops/, 'stderr of the command comes through too');
    const ok = berth.cli(['run', app, '--', 'ls', '/app/www']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /health\.txt/);
    const left = spawnSync('docker', ['ps', '-aq', '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}-oneoff`], { encoding: 'utf8' });
    assert.equal(left.stdout.trim(), '', 'one-off containers are removed');
  });

  it('forwards stdin', () => {
    const r = berth.cli(['run', app, '--', 'cat'], { input: 'hi from stdin\nsecond line\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi from stdin\nsecond line\n');
    const wc = berth.cli(['run', app, '--', 'wc', '-l'], { input: 'a\nb\nc\n' });
    assert.equal(wc.stdout.trim(), '3');
  });

  it('reaches the app over its own network', () => {
    const id = spawnSync('docker', ['ps', '-q', '--filter', `label=berth.app=${app}`, '--filter', 'label=berth.process=web'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    const ip = spawnSync('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', id], { encoding: 'utf8' }).stdout.trim();
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
    const r = berth.cli(['run', app, '--', 'wget', '-qO-', `http://${ip}:5000/index.html`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'oneoff-app v1');
  });

  it('enters a running container with a shell fed from stdin', () => {
    const r = berth.cli(['enter', app, 'web'], { input: 'echo inside $PORT; ls /app/www; exit 3\n' });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /inside 5000/);
    assert.match(r.stdout, /index\.html/);
    const none = berth.cli(['enter', app, 'worker'], { input: 'exit 0\n' });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no running worker container/);
  });

  it('explains errors: unknown app, missing command, bad token', () => {
    const missing = berth.cli(['run', 'no-such-app', '--', 'true']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No app named "no-such-app"/);
    const usage = berth.cli(['run', app]);
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /needs <command>/);
    const r = spawnSync(process.execPath, [`${ROOT}/dist/app/cli/main.js`, 'run', app, '--', 'true'], {
      encoding: 'utf8', env: { ...process.env, BERTH_URL: berth.url, BERTH_TOKEN: 'wrong', NO_COLOR: '1' },
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /token/i);
  });
});
