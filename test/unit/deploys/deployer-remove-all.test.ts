import assert from 'node:assert/strict';
import { Deployer } from '../../../app/deploys/deployer';
import type { ContainerInfo } from '../../../app/ports/container-engine';
import { InMemoryDrainSettings } from '../../support/fakes/drains';

const container = (id: string, app: string): ContainerInfo => ({
  id, name: `berth.${app}.web.1.${id}`, image: 'img', ip: null, state: 'running',
  labels: { 'berth.app': app, 'berth.process': 'web', 'berth.release': '1' },
});

/**
 * Containers removed at once (an app destroyed or renamed, the reconciler's orphans, a failed
 * start's leftovers) get their app's stop-timeout between SIGTERM and SIGKILL, as retiring ones do:
 * it was a fixed 10 s, whatever `ps:set <app> stop-timeout` or BERTH_STOP_TIMEOUT said.
 */
describe('Deployer.removeAll: each container stops with its app\'s stop-timeout', () => {
  it('an app\'s own stop-timeout, else BERTH_STOP_TIMEOUT (also for a container whose app berth does not know); then removed', async () => {
    const calls: string[] = [];
    const drainSettings = new InMemoryDrainSettings();
    ['shop', 'blog'].forEach((app) => drainSettings.addApp(app));
    drainSettings.set('shop', { stopTimeoutSeconds: 45 });
    const deployer = new Deployer({
      store: { drainSettings } as never,
      engine: {
        stopContainer: async (id: string, t: number) => { calls.push(`stop ${id} t=${t}`); },
        removeContainer: async (id: string) => { calls.push(`remove ${id}`); },
      } as never,
      apps: {} as never, releases: {} as never, processes: {} as never, router: {} as never, network: 'berth',
      retireWaitSeconds: 1, stopTimeoutSeconds: 3, mountsOf: () => [], domainsOf: () => [],
    });
    await deployer.removeAll([container('a1', 'shop'), container('b1', 'blog'), container('g1', 'ghost-of-another-berth')]);
    assert.deepEqual(calls.sort(), ['remove a1', 'remove b1', 'remove g1', 'stop a1 t=45', 'stop b1 t=3', 'stop g1 t=3']);
  });
});
