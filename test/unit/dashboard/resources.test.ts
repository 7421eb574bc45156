import assert from 'node:assert/strict';
import { sparkline } from '../../../app/http/dashboard/sparkline';
import { statsFrom } from '../../../app/infra/docker/container-stats';
import { StatsSampler } from '../../../app/processes/stats-sampler';
import { appResources } from '../../../app/http/dashboard/app-resources';
import { appliedLimits } from '../../../app/processes';
import type { ContainerInfo, ContainerStats } from '../../../app/ports/container-engine';

describe('dashboard resources: stats arithmetic, sampler, sparkline', () => {
  it('computes CPU percent and memory without page cache as docker stats does', () => {
    const s = statsFrom({
      cpu_stats: { cpu_usage: { total_usage: 3_000 }, system_cpu_usage: 20_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 1_000 }, system_cpu_usage: 10_000 },
      memory_stats: { usage: 100 * 1024 * 1024, limit: 512 * 1024 * 1024, stats: { inactive_file: 20 * 1024 * 1024 } },
    });
    assert.equal(s.cpuPercent, 40);
    assert.equal(s.memoryBytes, 80 * 1024 * 1024);
    assert.equal(s.memoryLimitBytes, 512 * 1024 * 1024);
    assert.equal(statsFrom({ cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 9 }, memory_stats: { usage: 1 } }).cpuPercent, 0, 'no previous reading: 0, not a spike');
  });

  it('draws a polyline in the box, highest value at the top', () => {
    assert.equal(sparkline([], { width: 100, height: 10 }), '');
    assert.equal(sparkline([0, 5, 10], { width: 100, height: 10 }), '0.0,10.0 50.0,5.0 100.0,0.0');
    assert.equal(sparkline([5], { width: 100, height: 10, max: 10 }), '0,5.0 100,5.0');
  });

  it('keeps a bounded history per running app container and forgets containers that went away', async () => {
    let listed: ContainerInfo[] = ['a', 'b'].map((id) => ({ id, state: 'running', labels: { 'berth.app': 'x' } } as unknown as ContainerInfo));
    let n = 0;
    const engine = {
      listContainers: async () => listed,
      stats: async (): Promise<ContainerStats> => ({ cpuPercent: ++n, memoryBytes: 1, memoryLimitBytes: 2 }),
    };
    const sampler = new StatsSampler({ engine, scope: 'net', keep: 3 });
    for (let i = 0; i < 5; i++) await sampler.sampleOnce();
    assert.equal(sampler.samplesOf('a').length, 3);
    assert.equal(sampler.samplesOf('b').length, 3);
    listed = [listed[0], { id: 'svc', state: 'running', labels: {} } as unknown as ContainerInfo];
    await sampler.sampleOnce();
    assert.equal(sampler.samplesOf('b').length, 0, 'gone: forgotten');
    assert.equal(sampler.samplesOf('svc').length, 0, 'not an app container');
    assert.equal(sampler.samplesOf('a').length, 3);
  });

  it('shows memory against the limit docker holds for the container, from the first page to the latest sample', async () => {
    const MiB = 1024 * 1024;
    const listed = ['aaaaaaaaaaaa1', 'bbbbbbbbbbbb2'].map((id) => ({ id, name: id, state: 'running', labels: { 'berth.app': 'x', 'berth.process': 'web' } } as unknown as ContainerInfo));
    // docker stats' limit of a container without one is the host's memory: never shown as its limit.
    const engine = { listContainers: async () => listed, stats: async (): Promise<ContainerStats> => ({ cpuPercent: 1, memoryBytes: 64 * MiB, memoryLimitBytes: 7982 * MiB }) };
    const sampler = new StatsSampler({ engine, scope: 'net' });
    const limits = new Map<string, number | null>([['aaaaaaaaaaaa', 512], ['bbbbbbbbbbbb', null]]);
    const page = () => appResources({ containers: { stats: engine.stats } as never, statsSampler: sampler }, listed, limits);
    assert.deepEqual((await page()).map((r) => r.memory), ['64.0 MiB of 512.0 MiB', '64.0 MiB of no limit'], 'live, before any sample');
    await sampler.sampleOnce();
    await sampler.sampleOnce();
    assert.deepEqual((await page()).map((r) => r.memory), ['64.0 MiB of 512.0 MiB', '64.0 MiB of no limit'], 'from the sampler\'s latest sample');
  });

  it('the limit that applies: the app\'s own, else berth\'s default, else none', () => {
    assert.deepEqual(appliedLimits({ memoryMb: null, cpus: null }, { memoryMb: 512, cpus: 1 }), { memoryMb: 512, cpus: 1, memoryFrom: 'default', cpusFrom: 'default' });
    assert.deepEqual(appliedLimits({ memoryMb: 256, cpus: 0.5 }, { memoryMb: 512, cpus: 1 }), { memoryMb: 256, cpus: 0.5, memoryFrom: 'app', cpusFrom: 'app' });
    assert.deepEqual(appliedLimits({ memoryMb: null, cpus: null }, { memoryMb: 0, cpus: 0 }), { memoryMb: null, cpus: null, memoryFrom: 'none', cpusFrom: 'none' });
  });
});
