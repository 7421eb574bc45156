import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { uniqueName, untagAppImages } from '../support/berth-process';
import { isStarted, useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';
import { removeServiceLeftovers } from '../integration/services-support';

/**
 * App code is as hostile as its developer (docs/security.md): from inside its own containers it
 * tries to gain privileges, open raw sockets, make devices, and reach another app's containers
 * and services it is not linked to. Each attempt has one observable outcome, asserted exactly.
 */
describe('security: containers and networks', function () {
  this.timeout(300_000);
  let wt: WorkTree;
  const a = uniqueName('sec-a');
  const b = uniqueName('sec-b');
  const linked = uniqueName('seclnk');
  const other = uniqueName('secoth');
  const docker = (args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
  const ok = (r: { code: number; stdout: string; stderr: string }) => { assert.equal(r.code, 0, r.stderr || r.stdout); return r; };
  const webOf = (app: string) => docker(['ps', '-q', '--filter', `label=berth.app=${app}`, '--filter', 'label=berth.process=web']).stdout.trim().split('\n')[0]!;
  const networksOf = (container: string): Record<string, { IPAddress: string }> =>
    JSON.parse(docker(['inspect', '-f', '{{json .NetworkSettings.Networks}}', container]).stdout) as Record<string, { IPAddress: string }>;
  /** A shell command in a one-off container of the app, its output with stderr merged. */
  const runIn = (app: string, script: string) => berth.cli(['run', app, '--', 'sh', '-c', `exec 2>&1; ${script}`]);

  after(async () => {
    wt?.remove();
    if (isStarted(berth)) removeServiceLeftovers(berth);
  });
  const berth = useBerth();
  before(async () => {
    // Services first and linked before the first push: no redeploy is needed to get the link.
    ok(berth.cli(['redis:create', linked]));
    ok(berth.cli(['redis:create', other]));
    ok(berth.cli(['apps:create', a]));
    ok(berth.cli(['redis:link', linked, a]));
    wt = WorkTree.fromFixture('oneoff-app');
    for (const app of [a, b]) {
      const pushed = wt.push(berth.url, berth.token, app);
      assert.equal(pushed.code, 0, pushed.output);
    }
  });
  after(async () => {
    untagAppImages([a, b]);
  });

  it('app containers keep only eight capabilities, cannot gain privileges, open raw sockets or make devices, and have a pids limit', () => {
    const r = runIn(a, 'grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status; cat /sys/fs/cgroup/pids/pids.max; '
      + 'arping -c1 -w1 -I eth0 10.255.255.1; echo arping=$?; mknod /tmp/null c 1 3; echo mknod=$?');
    assert.equal(r.code, 0, r.stderr);
    // 0x4fb: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, NET_BIND_SERVICE (docker's default is a80425fb).
    assert.equal(r.stdout, [
      'CapEff:\t00000000000004fb', 'CapBnd:\t00000000000004fb', 'NoNewPrivs:\t1', '1024',
      'arping: socket: Operation not permitted', 'arping=1',
      "mknod: /tmp/null: Operation not permitted", 'mknod=1', '',
    ].join('\n'));
    // The long-running web container and the service containers are made the same way.
    for (const c of [webOf(a), `berth-svc-redis-${linked}`]) {
      const host = JSON.parse(docker(['inspect', '-f', '{{json .HostConfig}}', c]).stdout) as Record<string, unknown>;
      assert.deepEqual(
        [host.Privileged, host.SecurityOpt, host.CapDrop, host.CapAdd, host.PidsLimit, host.Memory],
        [false, ['no-new-privileges:true'], ['ALL'], ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'], 1024, 512 * 1024 * 1024],
        c,
      );
    }
    assert.equal(JSON.parse(docker(['inspect', '-f', '{{json .HostConfig.NanoCpus}}', webOf(a)]).stdout), 1e9, 'the default CPU limit');
  });

  it('an app reaches the service linked to it, but neither another app nor a service it is not linked to', () => {
    const netsA = networksOf(webOf(a));
    const netsB = networksOf(webOf(b));
    assert.equal(Object.keys(netsA).length, 1, 'one network per app');
    const [netA] = Object.keys(netsA);
    const [netB] = Object.keys(netsB);
    assert.match(netA!, new RegExp(`^${berth.env.BERTH_NETWORK}-[0-9a-f]{12}$`), 'named by the app id');
    assert.notEqual(netA, netB);
    // From berth's own pool (BERTH_APP_SUBNETS): docker's default pools hold only about 30 networks.
    const subnetOf = (n: string) => docker(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}}{{end}}', n]).stdout.trim();
    assert.match(subnetOf(netA!), /^10\.240\.\d+\.0\/24$/);
    assert.notEqual(subnetOf(netA!), subnetOf(netB!));
    const ipB = Object.values(netsB)[0]!.IPAddress;
    const ipOther = Object.values(networksOf(`berth-svc-redis-${other}`))[0]!.IPAddress;
    const r = runIn(a, `echo PING | nc -w 3 berth-svc-redis-${linked} 6379; echo linked=$?; `
      + `nc -w 1 ${ipB} 5000 </dev/null; echo app-b=$?; echo PING | nc -w 1 ${ipOther} 6379; echo unlinked=$?; `
      + `nc -w 3 berth-svc-redis-${other} 6379 </dev/null; echo unlinked-by-name=$?`);
    assert.equal(r.code, 0, r.stderr);
    // The linked redis answers (it wants its password); the rest is dropped by docker's isolation of
    // bridge networks (no answer at all: a reachable address on a bridge connects in well under 1 s).
    assert.equal(r.stdout, [
      '-NOAUTH Authentication required.\r', 'linked=0',
      'nc: timed out', 'app-b=1', 'nc: timed out', 'unlinked=1',
      `nc: bad address 'berth-svc-redis-${other}'`, 'unlinked-by-name=1', '',
    ].join('\n'));
    // And the other way round: B cannot reach A's web container.
    const back = runIn(b, `nc -w 1 ${netsA[netA!]!.IPAddress} 5000 </dev/null; echo app-a=$?`);
    assert.equal(back.stdout, 'nc: timed out\napp-a=1\n');
  });

  it('unlinking takes the service off the app\'s network, and destroying the app removes its network', () => {
    const netA = Object.keys(networksOf(webOf(a)))[0]!;
    ok(berth.cli(['redis:unlink', linked, a]));
    assert.deepEqual(Object.keys(networksOf(`berth-svc-redis-${linked}`)), [berth.env.BERTH_NETWORK], 'only berth\'s own network is left');
    const r = runIn(a, `nc -w 3 berth-svc-redis-${linked} 6379 </dev/null; echo linked=$?`);
    assert.equal(r.stdout, `nc: bad address 'berth-svc-redis-${linked}'\nlinked=1\n`);
    ok(berth.cli(['apps:destroy', a, '--confirm', a]));
    assert.equal(docker(['network', 'inspect', netA]).status, 1, `${netA} is gone`);
  });
});
