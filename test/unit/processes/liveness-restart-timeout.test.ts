import assert from 'node:assert/strict';
import { LivenessMonitor } from '../../../app/processes/liveness-monitor';
import type { ContainerInfo } from '../../../app/ports/container-engine';
import type { HealthCheck } from '../../../app/manifest';

const LIVENESS: HealthCheck = {
  type: 'liveness', name: 'alive', path: null, command: ['/bin/sh', '-c', 'exit 1'], port: null, content: null,
  attempts: 1, wait: 1, timeout: 1, initialDelay: 0, warn: false,
};

/**
 * A container whose liveness check fails is restarted with its app's stop-timeout between SIGTERM
 * and SIGKILL (ps:set <app> stop-timeout, else BERTH_STOP_TIMEOUT), as every other stop: it was a
 * fixed 10 s.
 */
describe('LivenessMonitor: a failing container is restarted with its app\'s stop-timeout', () => {
  it('restartContainer gets the stop-timeout drainSettingsOf gives for the app, and the event says why', async () => {
    const web: ContainerInfo = { id: 'c1', name: 'berth.shop.web.1.x', image: 'img', ip: '10.0.0.2', state: 'running', labels: { 'berth.app': 'shop', 'berth.process': 'web', 'berth.release': '3' } };
    const restarts: string[] = [];
    const events: string[] = [];
    let restarted!: () => void;
    const done = new Promise<void>((r) => { restarted = r; });
    const monitor = new LivenessMonitor({
      store: { processState: { isStopped: () => false } } as never,
      apps: { list: () => [{ name: 'shop' }] } as never,
      releases: { current: () => ({ version: 3, port: 5000, manifest: { healthchecks: { web: [LIVENESS] } } }) } as never,
      engine: { restartContainer: async (id: string, t: number) => { restarts.push(`${id} t=${t}`); restarted(); } } as never,
      deployer: {
        containersOf: async () => [web],
        checkTarget: () => ({ host: '10.0.0.2', port: 5000, exec: async () => ({ code: 1, output: '' }) }),
        drainSettingsOf: (app: string) => ({ retireWaitSeconds: 60, stopTimeoutSeconds: app === 'shop' ? 4 : 99 }),
        route: async () => undefined,
      } as never,
      events: { record: (e) => { events.push(e.message); } },
    });
    await monitor.pass();
    await done;
    assert.deepEqual(restarts, ['c1 t=4']);
    assert.deepEqual(events, ['restarted web container berth.shop.web.1.x: liveness check "alive" failed 1 time in a row (the command exited with code 1)']);
  });
});
