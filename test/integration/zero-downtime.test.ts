import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { uniqueName, type BerthProcess } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { describeLoad, SLOW_REQUESTS, steadyLoad } from '../support/load';
import { waitFor } from '../support/poll';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function webContainers(berth: BerthProcess, app: string): string[] {
  const r = spawnSync('docker', ['ps', '-q', '--no-trunc', '--filter', `label=berth.app=${app}`, '--filter', 'label=berth.process=web',
    '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}`], { encoding: 'utf8' });
  return r.stdout.split(/\s+/).filter(Boolean);
}

/** Waits (up to 30 s) for the count: containers a deploy retires go away in the background. */
async function settleTo(berth: BerthProcess, app: string, count: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (webContainers(berth, app).length !== count && Date.now() < deadline) await sleep(250);
  return webContainers(berth, app).length;
}


describe('zero downtime: redeploys, scaling and config changes under load; a killed container comes back', function () {
  this.timeout(900_000);
  let wt: WorkTree;
  const app = uniqueName('zdt');
  const host = `${app}.localhost`;

  // A retire-wait longer than the slow requests (test berths default to 1 s): they drain, counted.
  after(async () => {
    wt?.remove();
  });
  const berth = useBerth({ BERTH_RETIRE_WAIT: '30' });
  before(async () => {
    fs.chmodSync(berth.home, 0o755); // nginx's workers read pages/ (mkdtemp made the home 0700)
    wt = WorkTree.fromFixture('multi-process-app');
    const pushed = wt.push(berth.url, berth.token, app);
    assert.equal(pushed.code, 0, pushed.output);
  });

  it('fails no request, slow ones (1–3 s) included, while the app is pushed three times, scaled 1→3→1, restarted and its config is set', async () => {
    // The load runs in its own process: the pushes and CLI calls below block this one. Every fifth
    // request takes 1–3 s, so requests are in flight whenever containers are replaced.
    const load = await steadyLoad({ port: berth.routerPort, host, rps: 20, maxSeconds: 600, slow: SLOW_REQUESTS });
    await waitFor('slow requests being answered', () => load.progress().slowOk >= 1);
    for (let i = 2; i <= 4; i++) {
      wt.write('www/index.html', `multi-process-app v${i}\n`);
      wt.commitAll(`v${i}`);
      const pushed = wt.push(berth.url, berth.token, app);
      assert.equal(pushed.code, 0, pushed.output);
    }
    const up = berth.cli(['ps:scale', app, 'web=3']);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(await settleTo(berth, app, 3), 3);
    const restarted = berth.cli(['ps:restart', app]);
    assert.equal(restarted.code, 0, restarted.stderr);
    const down = berth.cli(['ps:scale', app, 'web=1']);
    assert.equal(down.code, 0, down.stderr);
    const set = berth.cli(['config:set', app, 'NOTE=set under load']);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(await settleTo(berth, app, 1), 1); // the last retirement drained
    const result = await load.stop();
    process.stdout.write(`      load: ${describeLoad(result)}\n`);
    assert.equal(result.failed, 0, describeLoad(result));
    assert.ok(result.ok >= 50, `enough requests were made (${result.ok})`);
    assert.ok(result.slowSent >= 10, `slow requests were mixed in (${result.slowSent})`);
    assert.equal(result.slowOk, result.slowSent, describeLoad(result));
    assert.equal((await berth.viaRouter(host)).text.trim(), 'multi-process-app v4');
    assert.equal((await berth.viaRouter(host, '/note.txt')).text.trim(), 'set under load');
  });

  it('serves again after its only web container is killed, within a few reconcile intervals', async () => {
    const [victim] = webContainers(berth, app);
    assert.ok(victim);
    const killedAt = Date.now();
    spawnSync('docker', ['kill', victim]);
    let status = 0;
    while (Date.now() - killedAt < 60_000) {
      status = (await berth.viaRouter(host).catch(() => ({ status: 0 }))).status;
      if (status === 200) break;
      await sleep(200);
    }
    assert.equal(status, 200, `not served again; berth log:\n${berth.output.slice(-2000)}`);
    process.stdout.write(`      served again ${((Date.now() - killedAt) / 1000).toFixed(1)} s after docker kill (BERTH_RECONCILE_INTERVAL=2)\n`);
    const now = webContainers(berth, app);
    assert.equal(now.length, 1);
    assert.notEqual(now[0], victim);
  });
});
