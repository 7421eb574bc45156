import type { ContainerInfo, ContainerStats } from '../ports/container-engine';
import type { MetricsService, ProcessSample } from './metrics-service';

/** One app container at one sampling round (the stats sampler's view). */
export interface SampledContainer {
  readonly id: string;
  readonly app: string;
  readonly process: string;
  readonly state: ContainerInfo['state'];
  /** null: not running, or docker gave no figures. */
  readonly stats: ContainerStats | null;
}

export interface MetricsCollectorDeps {
  readonly metrics: Pick<MetricsService, 'recordProcesses' | 'foldRequests' | 'prune'>;
  /** Docker's view of one container (restart count, HostConfig.Memory). */
  readonly inspect: (id: string) => Promise<ContainerInfo | null>;
  readonly log?: (line: string) => void;
}

const PARALLEL = 8;

/**
 * Turns each round of the stats sampler into history: per app and process type, CPU and memory
 * summed over its containers, the memory limit docker applies, and the restarts since the last
 * round; then folds in the router's requests and prunes what the tiers no longer keep.
 */
export class MetricsCollector {
  /** Container id → docker's restart count at the last round. */
  private restartCounts = new Map<string, number>();
  private first = true;

  constructor(private readonly deps: MetricsCollectorDeps) {}

  async round(atMs: number, containers: readonly SampledContainer[]): Promise<void> {
    try {
      this.deps.metrics.recordProcesses(atMs, await this.samples(containers));
      await this.deps.metrics.foldRequests();
      this.deps.metrics.prune(atMs);
    } catch (e) {
      this.deps.log?.(`metrics: a round failed: ${(e as Error).message}`);
    }
  }

  private async samples(containers: readonly SampledContainer[]): Promise<ProcessSample[]> {
    const inspected: Array<ContainerInfo | null> = [];
    for (let i = 0; i < containers.length; i += PARALLEL) {
      inspected.push(...await Promise.all(containers.slice(i, i + PARALLEL).map((c) => this.deps.inspect(c.id).catch(() => null))));
    }
    const counts = new Map<string, number>();
    const byType = new Map<string, { app: string; process: string; cpu: number; memory: number; limit: number | null; restarts: number; containers: number }>();
    containers.forEach((c, i) => {
      const info = inspected[i];
      const restartCount = info?.restartCount ?? 0;
      counts.set(c.id, restartCount);
      // After berth starts, the counts docker already holds are the past; a container first seen later is new, all its restarts are.
      const before = this.restartCounts.get(c.id) ?? (this.first ? restartCount : 0);
      const key = `${c.app}\u0000${c.process}`;
      const t = byType.get(key) ?? { app: c.app, process: c.process, cpu: 0, memory: 0, limit: 0, restarts: 0, containers: 0 };
      t.restarts += Math.max(0, restartCount - before);
      t.containers++;
      t.cpu += c.stats?.cpuPercent ?? 0;
      t.memory += c.stats?.memoryBytes ?? 0;
      const limit = info?.memoryLimitBytes ?? 0;
      t.limit = t.limit === null || limit <= 0 ? null : t.limit + limit;
      byType.set(key, t);
    });
    this.restartCounts = counts;
    this.first = false;
    return [...byType.values()].map((t) => ({
      app: t.app, process: t.process, cpuPercent: t.cpu, memoryBytes: t.memory, memoryLimitBytes: t.limit, restarts: t.restarts, containers: t.containers,
    }));
  }
}
