import assert from 'node:assert/strict';
import { Drainer } from '../../../app/deploys/drainer';
import { countOpen } from '../../../app/infra/docker/connections';
import { NginxTemplates } from '../../../app/infra/nginx/templates';
import type { ContainerInfo } from '../../../app/ports/container-engine';
import { InMemoryDrainSettings, InMemoryDrains } from '../../support/fakes/drains';

const web = (id: string): ContainerInfo => ({
  id, name: `berth.shop.web.1.${id}`, image: 'img', ip: '10.0.0.2', state: 'running',
  labels: { 'berth.app': 'shop', 'berth.process': 'web', 'berth.release': '1' },
});

/** The drains table and settings' fakes, an in-memory engine and clock: connections per container follow a script. */
function fixture(o: { connections: (id: string, second: number) => number | null; exitCode?: number; settings?: { retireWaitSeconds: number | null; stopTimeoutSeconds: number | null }; recordThrows?: boolean; maxRetiring?: number }) {
  let clock = 1_000_000;
  const drains = new InMemoryDrains();
  const settings = new InMemoryDrainSettings();
  settings.addApp('shop');
  if (o.settings) settings.set('shop', o.settings);
  const calls: string[] = [];
  const events: string[] = [];
  const state = new Map<string, ContainerInfo['state']>();
  const t0 = clock;
  const store = { drains, drainSettings: settings };
  const engine = {
    connectionsTo: async (id: string) => (state.get(id) === 'running' ? o.connections(id, (clock - t0) / 1000) : null),
    inspectContainer: async (id: string) => (state.has(id) ? { ...web(id), state: state.get(id)!, exitCode: state.get(id) === 'exited' ? o.exitCode ?? 0 : 0 } : null),
    stopContainer: async (id: string, t: number) => { calls.push(`stop ${id} t=${t} at ${(clock - t0) / 1000}`); state.set(id, 'exited'); },
    removeContainer: async (id: string) => { calls.push(`remove ${id}`); state.delete(id); },
  };
  const drainer = new Drainer({
    store: store as never, engine: engine as never, defaults: { retireWaitSeconds: 10, stopTimeoutSeconds: 3 }, maxRetiring: o.maxRetiring,
    record: (e) => { if (o.recordThrows) throw new Error('database is locked'); events.push(e.message); }, pollMs: 500, now: () => clock, sleep: async (ms) => { clock += ms; },
  });
  return { drainer, drains, calls, events, state, run: (ids: string[]) => { ids.forEach((id) => state.set(id, 'running')); return ids.map(web); } };
}

describe('Drainer: an unrouted container drains its open connections, then SIGTERM, stop-timeout, SIGKILL', () => {
  it('waits while connections are open and stops once two counts in a row find none', async () => {
    const f = fixture({ connections: (_id, s) => (s < 4 ? 2 : 0) });
    await f.drainer.retire(f.run(['a']), { port: () => 5000, log: () => undefined });
    assert.deepEqual(f.calls, ['stop a t=3 at 4.5', 'remove a'], 'SIGTERM only after the count reached 0 twice (4.0 and 4.5 s)');
    assert.deepEqual(f.drains.list(), [], 'its row is gone once removed');
    assert.match(f.events[0], /^berth\.shop\.web\.1\.a retired: no open connection left after 4\.5 s; it exited on SIGTERM after 0\.0 s \(code 0\)$/);
  });

  it('stops at the retire-wait when connections stay open (SSE), and says how many were left', async () => {
    const f = fixture({ connections: () => 1, settings: { retireWaitSeconds: 6, stopTimeoutSeconds: 2 } });
    await f.drainer.retire(f.run(['a']), { port: () => 5000, log: () => undefined });
    assert.deepEqual(f.calls, ['stop a t=2 at 6', 'remove a']);
    assert.match(f.events[0], /the retire-wait \(6 s\) passed with 1 open connection; /);
  });

  it('drains at least a second even when nothing is open (nginx may be handing it a request it read)', async () => {
    const f = fixture({ connections: () => 0 });
    await f.drainer.retire(f.run(['a']), { port: () => 5000, log: () => undefined });
    assert.deepEqual(f.calls, ['stop a t=3 at 1', 'remove a']);
  });

  it('sends SIGTERM at once to containers nothing routes to (workers)', async () => {
    const f = fixture({ connections: () => 5 });
    await f.drainer.retire(f.run(['w']), { port: () => null, log: () => undefined });
    assert.deepEqual(f.calls, ['stop w t=3 at 0', 'remove w']);
    assert.match(f.events[0], /nothing routed to it/);
  });

  it('records an app that ignored SIGTERM as killed at its stop-timeout (exit code 137)', async () => {
    const f = fixture({ connections: () => 0, exitCode: 137 });
    await f.drainer.retire(f.run(['a']), { port: () => 5000, log: () => undefined });
    assert.match(f.events[0], /it ignored SIGTERM and was killed at its stop-timeout \(3 s\)$/);
  });

  it('keeps at most maxRetiring containers of an app retiring: the oldest stops draining at once, so restarts in a row under a long retire-wait pile none up', async () => {
    const f = fixture({ connections: () => 1, maxRetiring: 2 });
    const log: string[] = [];
    const first = f.drainer.retire(f.run(['a', 'b']), { port: () => 5000, log: (l) => log.push(l) });
    const second = f.drainer.retire(f.run(['c']), { port: () => 5000, log: (l) => log.push(l) });
    await Promise.all([first, second]);
    assert.equal(log[2], '       shop has 3 old containers retiring, at most 2: the oldest 1 stop now');
    const byName = (id: string) => f.events.find((e) => e.startsWith(`berth.shop.web.1.${id} `));
    assert.match(byName('a')!, /retired: cut short: shop had more than 2 old containers retiring \(BERTH_MAX_RETIRING\); it exited on SIGTERM/);
    assert.match(byName('b')!, /retired: the retire-wait \(10 s\) passed with 1 open connection/);
    assert.match(byName('c')!, /retired: the retire-wait \(10 s\) passed with 1 open connection/);
    assert.deepEqual(f.drains.list(), []);
  });

  it('resumes a retirement recorded before a restart, counting the time already drained', async () => {
    const f = fixture({ connections: () => 1 });
    f.run(['a']);
    // Recorded 8 s ago by a berth that then died: 2 s of its 10 s retire-wait are left.
    f.drains.add([{ containerId: 'a', app: 'shop', name: 'berth.shop.web.1.a', port: 5000, retireWaitSeconds: 10, stopTimeoutSeconds: 3, since: new Date(1_000_000 - 8000).toISOString() }]);
    assert.equal(f.drainer.resume(), 1);
    assert.equal(f.drainer.resume(), 0, 'one retirement per container, however often the reconciler asks');
    await f.drainer.settled();
    assert.deepEqual(f.calls, ['stop a t=3 at 2', 'remove a']);
  });

  it('resumes a container that got SIGTERM before the restart with what is left of its stop-timeout', async () => {
    const f = fixture({ connections: () => 1 });
    f.run(['a']);
    f.drains.add([{ containerId: 'a', app: 'shop', name: 'n', port: 5000, retireWaitSeconds: 10, stopTimeoutSeconds: 30, since: new Date(1_000_000 - 20_000).toISOString() }]);
    f.drains.markStopping('a', new Date(1_000_000 - 10_000).toISOString());
    f.drainer.resume();
    await f.drainer.settled();
    assert.deepEqual(f.calls, ['stop a t=20 at 0', 'remove a']);
  });

  it('never rejects, even when its event cannot be recorded (a push does not wait for it: a rejection would end berth)', async () => {
    const f = fixture({ connections: () => 0, recordThrows: true });
    const quiet = console.error;
    console.error = () => undefined;
    try {
      await f.drainer.retire(f.run(['a']), { port: () => 5000, log: () => undefined });
    } finally {
      console.error = quiet;
    }
    assert.deepEqual(f.calls, ['stop a t=3 at 1', 'remove a']);
  });

  it('holds a retiring container as draining until it is removed', async () => {
    const f = fixture({ connections: (_id, s) => (s < 2 ? 1 : 0) });
    const done = f.drainer.retire(f.run(['a']), { port: () => 5000, log: () => undefined });
    assert.equal(f.drainer.isDraining('a'), true);
    await done;
    assert.equal(f.drainer.isDraining('a'), false);
  });
});

describe('counting open connections from /proc/<pid>/net/tcp', () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000:1388 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
    '   1: 020011AC:1388 010011AC:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1',
    '   2: 020011AC:1388 010011AC:A1B3 06 00000000:00000000 03:00000000 00000000     0        0 0 3 0',
    '   3: 020011AC:1388 010011AC:A1B4 08 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1',
    '   4: 020011AC:D431 0A0011AC:1F90 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0 20 4 30 10 -1',
  ].join('\n');
  it('counts established connections to the port, not the listener, TIME_WAIT, CLOSE_WAIT or outgoing ones', () => {
    assert.equal(countOpen(table, 5000), 1);
    assert.equal(countOpen(table, 8080), 0, 'an outgoing connection to 8080 is not a client of the app');
  });
  it('reads tcp6 rows (Node listens on ::, IPv4 clients appear mapped)', () => {
    const six = '  sl  local_address                         remote_address                        st\n   0: 0000000000000000FFFF0000020011AC:1388 0000000000000000FFFF0000010011AC:A1B2 01 0';
    assert.equal(countOpen(six, 5000), 1);
  });
});

describe('nginx main config', () => {
  it('sets no worker_shutdown_timeout: a reload never cuts requests the old workers still serve', () => {
    const conf = new NginxTemplates().mainConf({ listen: '80', httpsListen: '443' });
    assert.doesNotMatch(conf.replace(/^\s*#.*$/gm, ''), /worker_shutdown_timeout/);
  });
});
