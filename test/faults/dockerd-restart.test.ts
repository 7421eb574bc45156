import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startBerth, uniqueName, type BerthProcess } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { requireBerthStack } from '../support/requirements';
import { waitFor } from './fault-support';
import { ensureServices, stopDockerd } from './services-restart-support';

/** The running web containers' addresses on berth's network. */
function webIps(berth: BerthProcess, app: string): string[] {
  const ids = spawnSync('docker', ['ps', '-q', '--filter', `label=berth.scope=${berth.env.BERTH_NETWORK}`, '--filter', `label=berth.app=${app}`, '--filter', 'label=berth.process=web'], { encoding: 'utf8' })
    .stdout.split(/\s+/).filter(Boolean);
  return ids.map((id) => spawnSync('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', id], { encoding: 'utf8' }).stdout.trim()).sort();
}

/** Every address:port in the app's upstream in berth's nginx config. */
function routedIps(berth: BerthProcess, app: string): string[] {
  const dir = path.join(berth.home, 'nginx');
  const text = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.conf') && f.includes(app))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
  const upstream = text.match(new RegExp(`upstream berth_${app.replace(/-/g, '_')}[^{]*\\{([^}]*)\\}`))?.[1] ?? text.match(/upstream [^{]*\{([^}]*)\}/)?.[1] ?? '';
  return [...upstream.matchAll(/server\s+([0-9.]+):\d+/g)].map((m) => m[1]).sort();
}

describe('fault: dockerd stopped and started again: every app answers again and the router points at the containers that run now', function () {
  this.timeout(600_000);
  let berth: BerthProcess;
  const trees: WorkTree[] = [];

  before(async () => {
    requireBerthStack();
    berth = await startBerth();
  });
  after(async () => {
    ensureServices(); // never leave the machine without dockerd, whatever failed
    trees.forEach((t) => t.remove());
    await berth?.destroy();
  });

  it('two apps serve their own release again after the restart, routed to their current container addresses', async () => {
    const apps = [uniqueName('dkr'), uniqueName('dkr')];
    for (const [i, app] of apps.entries()) {
      const wt = WorkTree.fromFixture('slow-build-app');
      trees.push(wt);
      wt.write('www/index.html', `app ${i}\n`);
      wt.commitAll(`app ${i}`);
      assert.equal(wt.push(berth.url, berth.token, app).code, 0);
      assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), `app ${i}`);
      assert.deepEqual(routedIps(berth, app), webIps(berth, app), 'routed to its containers before the restart');
    }

    await stopDockerd();
    ensureServices();

    for (const [i, app] of apps.entries()) {
      await waitFor(`${app} to answer through the router`, async () => (await berth.viaRouter(`${app}.localhost`)).text.trim() === `app ${i}`, 180);
      await waitFor(`${app}'s route to name its running containers`, () => {
        const running = webIps(berth, app);
        return running.length > 0 && JSON.stringify(routedIps(berth, app)) === JSON.stringify(running);
      }, 120);
    }
    assert.equal((await berth.api('GET', '/healthz')).status, 200, 'berth stayed up');
    const ps = JSON.parse(berth.cli(['ps:report', apps[0], '--json']).stdout);
    assert.equal(ps.report.status, 'running');
  });
});
