import assert from 'node:assert/strict';
import { sparkline } from '../../../app/http/dashboard/sparkline';
import { statsFrom } from '../../../app/infra/docker/container-stats';
import { StatsSampler } from '../../../app/processes/stats-sampler';
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
});
