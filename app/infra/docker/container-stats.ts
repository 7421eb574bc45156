import type Docker from 'dockerode';
import type { ContainerStats } from '../../ports/container-engine';
import { nullOn404, requireRef } from './docker-errors';

interface RawCpu { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number }
interface RawStats {
  cpu_stats?: RawCpu;
  precpu_stats?: RawCpu;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
}

/** `docker stats`' arithmetic: the CPU delta over the system delta since the previous sample, times the CPUs. */
export function statsFrom(raw: RawStats): ContainerStats {
  const cpu = raw.cpu_stats ?? {};
  const pre = raw.precpu_stats ?? {};
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const cpus = cpu.online_cpus || cpu.cpu_usage?.percpu_usage?.length || 1;
  const cpuPercent = cpuDelta > 0 && systemDelta > 0 && pre.system_cpu_usage ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const mem = raw.memory_stats ?? {};
  // cgroup v2 reports inactive_file, v1 total_inactive_file / cache: page cache is not the app's memory.
  const cache = mem.stats?.inactive_file ?? mem.stats?.total_inactive_file ?? mem.stats?.cache ?? 0;
  const usage = mem.usage ?? 0;
  return { cpuPercent, memoryBytes: Math.max(0, usage - (cache < usage ? cache : 0)), memoryLimitBytes: mem.limit ?? 0 };
}

/** One sample (`stats?stream=false`, which waits for two readings so the CPU delta is real); null when gone or stopped. */
export async function containerStats(docker: Docker, id: string): Promise<ContainerStats | null> {
  const c = docker.getContainer(requireRef(id, 'container id'));
  const raw = await nullOn404(c.stats({ stream: false }) as Promise<RawStats>);
  // A stopped container answers with empty figures.
  if (raw === null || !raw.memory_stats || raw.memory_stats.usage === undefined) return null;
  return statsFrom(raw);
}
