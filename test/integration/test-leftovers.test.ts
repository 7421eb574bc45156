import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBerth, type BerthProcess } from '../support/berth-process';
import { PIDS_FILE, STALE_AFTER_MS } from '../support/leftovers';
import { requireBerthStack } from '../support/requirements';

const hex = () => crypto.randomBytes(3).toString('hex');
const docker = (args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
const networkExists = (name: string) => docker(['network', 'inspect', name]).status === 0;

/** A home named as startBerth names them, its pid file naming `pids`, last changed `ageMs` ago. */
function fakeHome(id: string, o: { pids: number[] | null; ageMs: number }): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `berth-test-${id}-`));
  fs.mkdirSync(path.join(home, 'repos'));
  if (o.pids) fs.writeFileSync(path.join(home, PIDS_FILE), o.pids.map((p) => `${p}\n`).join(''));
  const when = new Date(Date.now() - o.ageMs);
  if (o.pids) fs.utimesSync(path.join(home, PIDS_FILE), when, when);
  fs.utimesSync(home, when, when);
  return home;
}

/** startBerth sweeps what test berths killed mid-test left: dead homes and their empty networks, nothing else. */
describe('test support: leftovers of killed test berths are swept at startBerth', function () {
  this.timeout(120_000);
  let berth: BerthProcess | undefined;
  const homes: string[] = [];
  const networks: string[] = [];
  const container = `berth-test-leftover-${hex()}`;
  const OLD = STALE_AFTER_MS + 60_000;

  before(() => requireBerthStack());
  after(async () => {
    await berth?.destroy();
    docker(['rm', '-f', container]);
    for (const n of networks) docker(['network', 'rm', n]);
    for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
  });

  it('removes old homes whose processes are all dead and networks nobody uses; keeps live, young, unknown and busy ones', async () => {
    // A pid that was just used and is gone (spawnSync reaps it).
    const dead = spawnSync('true').pid!;
    const ids = { dead: hex(), young: hex(), live: hex(), unknown: hex(), orphanNet: hex(), busyNet: hex() };
    const home = {
      dead: fakeHome(ids.dead, { pids: [dead], ageMs: OLD }),
      young: fakeHome(ids.young, { pids: [dead], ageMs: 60_000 }),
      live: fakeHome(ids.live, { pids: [dead, process.pid], ageMs: OLD }),
      unknown: fakeHome(ids.unknown, { pids: null, ageMs: OLD }),
    };
    homes.push(...Object.values(home));
    const net = (id: string) => { const n = `berth-test-${id}`; networks.push(n); assert.equal(docker(['network', 'create', n]).status, 0); return n; };
    const nets = { dead: net(ids.dead), young: net(ids.young), live: net(ids.live), unknown: net(ids.unknown), orphan: net(ids.orphanNet), busy: net(ids.busyNet) };
    const run = docker(['run', '-d', '--name', container, '--network', nets.busy, 'berth/busybox:latest', 'sleep', '300']);
    assert.equal(run.status, 0, run.stderr);

    berth = await startBerth();

    assert.ok(!fs.existsSync(home.dead), 'an old home whose processes are dead is removed');
    assert.ok(!networkExists(nets.dead), 'its empty network too');
    assert.ok(!networkExists(nets.orphan), 'an empty network without a home is removed');
    for (const kept of [home.young, home.live, home.unknown]) assert.ok(fs.existsSync(kept), `${kept} is kept`);
    for (const kept of [nets.young, nets.live, nets.unknown, nets.busy]) assert.ok(networkExists(kept), `${kept} is kept`);
    assert.ok(fs.existsSync(berth.home) && fs.readFileSync(path.join(berth.home, PIDS_FILE), 'utf8').includes(String(process.pid)),
      'the new berth\'s home names its owner');
    assert.ok(fs.readFileSync(path.join(berth.home, PIDS_FILE), 'utf8').includes(String(berth.child!.pid)), 'and its berth process');
  });
});
