import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ownImageLabel } from '../support/app-images';
import { ROOT, startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { recordPid } from '../support/leftovers';
import { requireBerthStack } from '../support/requirements';
import { waitFor } from '../support/poll';

/** A steady request loop through the router: every answer that is not the app's counts as a failure. */
class RequestLoop {
  ok = 0;
  readonly failures: string[] = [];
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(berth: BerthProcess, host: string, expected: string) {
    this.done = (async () => {
      while (!this.stopped) {
        const r = await berth.viaRouter(host).catch((e: Error) => ({ status: 0, text: e.message }));
        if (r.status === 200 && r.text === expected) this.ok++;
        else this.failures.push(`${new Date().toISOString()} ${r.status} ${r.text.slice(0, 100)}`);
        await new Promise((res) => setTimeout(res, 50)); // pacing, not synchronisation
      }
    })();
  }

  async stop(): Promise<void> { this.stopped = true; await this.done; }
}

/** Runs a script without blocking the event loop (the request loop keeps going meanwhile). */
function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => { output += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { output += b.toString(); });
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** A build whose start fails after its "migration" wrote the database (a schema newer than any berth's). */
const FAILING_MAIN = `'use strict';
const Database = require('better-sqlite3');
const db = new Database(process.env.BERTH_HOME + '/berth.db');
db.pragma('user_version = 999');
db.close();
console.error('berth: INTERNAL: migration 999 failed (the upgrade test\\'s failing build)');
process.exit(1);
`;

/**
 * Upgrades of berth itself with deploy/swap-berth.sh (what deploy/install.sh runs), on a berth run
 * by deploy/berthd.sh as on a host without systemd, in its own home and ports.
 */
describe('fault: upgrading berth (deploy/swap-berth.sh): the app serves throughout; a new berth that fails to start is rolled back', function () {
  this.timeout(600_000);
  let berth: BerthProcess;
  let next: string;
  let env: NodeJS.ProcessEnv;
  const app = uniqueName('upg');
  const tag = `berth-test/${app}:1`;
  const host = `${app}.localhost`;

  const berthd = (checkout: string, verb: string) => spawnSync('bash', [path.join(checkout, 'deploy/berthd.sh'), verb], { env, encoding: 'utf8' });
  const healthy = () => waitFor('berth to answer /healthz', async () => (await berth.api('GET', '/healthz').catch(() => ({ status: 0 }))).status === 200, 60_000);
  const running = () => berthd(ROOT, 'status').stdout.trim();
  const appListed = async () => ((await berth.api('GET', '/api/v1/apps')).json?.apps ?? []).map((a: { name: string }) => a.name).includes(app);

  before(async () => {
    requireBerthStack();
    berth = await startBerth();
    const built = spawnSync('docker', ['build', '-q', '-t', tag, '-'], {
      input: `FROM berth/busybox:latest\n${ownImageLabel(tag)}RUN mkdir -p /www && echo ${app} serves > /www/index.html\nEXPOSE 8000\nCMD ["httpd", "-f", "-p", "8000", "-h", "/www"]\n`,
      encoding: 'utf8',
    });
    assert.equal(built.status, 0, built.stderr);
    assert.equal(berth.cli(['apps:create', app]).code, 0);
    const deployed = berth.cli(['apps:deploy-image', app, tag]);
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);

    // From here on berth runs as on a host: deploy/berthd.sh with $BERTH_HOME/berth.env.
    await berth.stop();
    fs.writeFileSync(path.join(berth.home, 'berth.env'), Object.entries(berth.env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
    env = { ...process.env, BERTH_HOME: berth.home, BERTH_START_TIMEOUT: '60' };
    const started = berthd(ROOT, 'start');
    assert.equal(started.status, 0, started.stdout + started.stderr);
    recordPid(berth.home, Number(fs.readFileSync(path.join(berth.home, 'run/berth.pid'), 'utf8')));
    await healthy();

    // The newer checkout: this one's files (built), its node_modules shared.
    next = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-upgrade-'));
    for (const entry of fs.readdirSync(ROOT)) {
      if (entry === 'node_modules' || entry === '.git') continue;
      fs.cpSync(path.join(ROOT, entry), path.join(next, entry), { recursive: true, filter: (src) => !src.startsWith(path.join(ROOT, 'dist/test')) });
    }
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(next, 'node_modules'));
    assert.equal((await berth.viaRouter(host)).text, `${app} serves\n`);
  });

  after(async () => {
    if (env) berthd(ROOT, 'stop');
    if (next) fs.rmSync(next, { recursive: true, force: true });
    await berth?.destroy();
    spawnSync('docker', ['rmi', tag]);
  });

  it('an upgrade to a newer checkout runs the new berth, and the app answers every request meanwhile', async () => {
    const loop = new RequestLoop(berth, host, `${app} serves\n`);
    const swap = await runScript(path.join(next, 'deploy/swap-berth.sh'), ['--no-build'], env);
    await loop.stop();
    assert.equal(swap.code, 0, swap.output);
    assert.match(running(), new RegExp(`^berth: running \\(pid \\d+, ${next}/dist/app/main\\.js\\)$`));
    assert.equal(fs.readFileSync(path.join(berth.home, 'installed-checkout'), 'utf8').trim(), next);
    await healthy();
    assert.ok(await appListed(), 'the new berth has the apps');
    assert.deepEqual(loop.failures, []);
    assert.ok(loop.ok > 0);
  });

  it('an upgrade to another checkout whose berth fails to start goes back to the previous checkout on the database from before', async () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-upgrade-bad-'));
    try {
      for (const entry of fs.readdirSync(next)) {
        if (entry === 'node_modules') fs.symlinkSync(fs.realpathSync(path.join(next, entry)), path.join(bad, entry));
        else fs.cpSync(path.join(next, entry), path.join(bad, entry), { recursive: true });
      }
      fs.writeFileSync(path.join(bad, 'dist/app/main.js'), FAILING_MAIN);
      const loop = new RequestLoop(berth, host, `${app} serves\n`);
      const swap = await runScript(path.join(bad, 'deploy/swap-berth.sh'), ['--no-build'], env);
      await loop.stop();
      assert.equal(swap.code, 1, swap.output);
      assert.match(swap.output, new RegExp(`the upgrade failed: berth from ${bad} did not start\\. The previous berth \\(${next}\\) runs again`));
      assert.match(running(), new RegExp(`^berth: running \\(pid \\d+, ${next}/dist/app/main\\.js\\)$`));
      assert.equal(fs.readFileSync(path.join(berth.home, 'installed-checkout'), 'utf8').trim(), next);
      await healthy();
      assert.ok(await appListed());
      assert.deepEqual(loop.failures, []);
      assert.ok(loop.ok > 0);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });

  it('an upgrade in place whose berth fails to start puts the previous build and database back and starts it; the app answers throughout', async () => {
    const main = path.join(next, 'dist/app/main.js');
    const good = fs.readFileSync(main, 'utf8');
    fs.writeFileSync(main, FAILING_MAIN);
    const loop = new RequestLoop(berth, host, `${app} serves\n`);
    const swap = await runScript(path.join(next, 'deploy/swap-berth.sh'), ['--no-build'], env);
    await loop.stop();
    assert.equal(swap.code, 1, swap.output);
    assert.match(swap.output, /migration 999 failed/, 'the failed start\'s log is shown');
    assert.match(swap.output, new RegExp(`the upgrade failed: berth from ${next} did not start\\. The previous berth \\(${next}\\) runs again on the database as it was before the upgrade`));
    assert.equal(fs.readFileSync(main, 'utf8'), good, 'the previous build is back');
    assert.match(running(), new RegExp(`^berth: running \\(pid \\d+, ${next}/dist/app/main\\.js\\)$`));
    await healthy();
    const db = new Database(path.join(berth.home, 'berth.db'), { readonly: true });
    try { assert.equal(db.pragma('user_version', { simple: true }), 0, 'the database from before the failed start'); } finally { db.close(); }
    assert.ok(await appListed());
    assert.deepEqual(loop.failures, []);
    assert.ok(loop.ok > 0);
  });
});
