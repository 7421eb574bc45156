import type { ContainerEngine, ContainerInfo, ContainerStats } from '../ports/container-engine';
import { LABEL } from '../naming/container-names';

/** One point of a container's resource history. */
export interface StatsSample {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly cpuPercent: number;
  readonly memoryBytes: number;
  /** The limit at that moment, so a page built from the latest sample still says "of N MiB". */
  readonly memoryLimitBytes: number;
}

export interface StatsSamplerDeps {
  readonly engine: Pick<ContainerEngine, 'stats' | 'listContainers'>;
  /** The berth.scope label of this berth's containers (its network). */
  readonly scope: string;
  /** Default 30 000 ms. */
  readonly intervalMs?: number;
  /** Samples kept per container. Default 120 (an hour at 30 s). */
  readonly keep?: number;
  /** Containers followed at most. Default 500. */
  readonly maxContainers?: number;
  /** Hears each round: every app container (running or not) with its sample, when it has one (the metrics history). */
  readonly onRound?: (atMs: number, containers: readonly RoundContainer[]) => Promise<void>;
}

/** An app container at one round, and its sample (null: not running or no figures). */
export interface RoundContainer {
  readonly id: string;
  readonly app: string;
  readonly process: string;
  readonly state: ContainerInfo['state'];
  readonly stats: ContainerStats | null;
}

const PARALLEL = 4;

/**
 * The last hour of CPU and memory per running app container, sampled in the web process and kept
 * only in memory: bounded per container, and containers that went away are forgotten.
 */
export class StatsSampler {
  private readonly history = new Map<string, StatsSample[]>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: StatsSamplerDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => { void this.sampleOnce().catch(() => undefined); }, this.deps.intervalMs ?? 30_000);
    this.timer.unref();
    void this.sampleOnce().catch(() => undefined);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** A container's samples, oldest first. */
  samplesOf(containerId: string): readonly StatsSample[] {
    return this.history.get(containerId) ?? [];
  }

  /** One round over the running app containers; a round still running is not overlapped. */
  sampleOnce(): Promise<void> {
    this.running ??= this.round().finally(() => { this.running = null; });
    return this.running;
  }

  private async round(): Promise<void> {
    const at = Date.now();
    const all = await this.deps.engine.listContainers({ labels: { [LABEL.scope]: this.deps.scope } });
    const apps = all.filter((c) => c.labels[LABEL.app]).slice(0, this.deps.maxContainers ?? 500);
    const ids = apps.filter((c) => c.state === 'running').map((c) => c.id);
    const live = new Set(ids);
    for (const id of this.history.keys()) if (!live.has(id)) this.history.delete(id);
    const sampled = new Map<string, ContainerStats>();
    for (let i = 0; i < ids.length; i += PARALLEL) {
      const batch = ids.slice(i, i + PARALLEL);
      const stats = await Promise.all(batch.map((id) => this.deps.engine.stats(id).catch(() => null)));
      batch.forEach((id, k) => {
        this.add(id, stats[k]);
        if (stats[k]) sampled.set(id, stats[k]!);
      });
    }
    await this.deps.onRound?.(at, apps.map((c) => ({
      id: c.id, app: c.labels[LABEL.app], process: c.labels[LABEL.process] ?? '', state: c.state, stats: sampled.get(c.id) ?? null,
    })));
  }

  private add(id: string, s: ContainerStats | null): void {
    if (!s) return;
    const list = this.history.get(id) ?? [];
    list.push({ at: Date.now(), cpuPercent: s.cpuPercent, memoryBytes: s.memoryBytes, memoryLimitBytes: s.memoryLimitBytes });
    const keep = this.deps.keep ?? 120;
    if (list.length > keep) list.splice(0, list.length - keep);
    this.history.set(id, list);
  }
}
