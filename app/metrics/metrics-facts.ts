import type { ContainerInfo } from '../ports/container-engine';
import type { AppProcessReport } from '../processes';
import type { StatsSample } from '../processes/stats-sampler';

/** One container (or swarm task) of an app's live processes, as /metrics shows it. */
export interface ContainerFact {
  readonly app: string;
  readonly process: string;
  readonly container: string;
  readonly state: string;
  /** Restarts by docker's restart policy since it was created. */
  readonly restarts: number;
  /** From the web process's latest sample (BERTH_STATS_INTERVAL); null before the first, and for swarm tasks. */
  readonly cpuPercent: number | null;
  readonly memoryBytes: number | null;
  readonly memoryLimitBytes: number | null;
}

export interface ProcessTypeFact {
  readonly app: string;
  readonly process: string;
  readonly desired: number;
  readonly running: number;
}

export interface BuildFacts {
  readonly finished: ReadonlyArray<{ readonly app: string; readonly kind: string; readonly status: string; readonly seconds: number }>;
  readonly queued: number;
  readonly running: number;
}

/** The router's requests to an app over the last hour (the metrics history's request buckets). */
export interface RequestFact {
  readonly app: string;
  readonly requests: number;
  readonly s2xx: number; readonly s3xx: number; readonly s4xx: number; readonly s5xx: number;
  /** Milliseconds; null: no request. */
  readonly p50: number | null;
  readonly p95: number | null;
}

/** What one scrape shows: plain numbers, read from berth's services at that moment. */
export interface MetricsFacts {
  readonly requests?: readonly RequestFact[];
  readonly apps: ReadonlyArray<{ readonly app: string; readonly status: string; readonly release: number | null }>;
  readonly processTypes: readonly ProcessTypeFact[];
  readonly containers: readonly ContainerFact[];
  readonly builds: BuildFacts;
}

export interface MetricsSources {
  appNames(): string[];
  report(app: string): Promise<AppProcessReport>;
  /** Every app container on this host, with its full id (the sampler's key). */
  containers(): Promise<ContainerInfo[]>;
  samplesOf(containerId: string): readonly StatsSample[];
  builds(): BuildFacts;
  /** The last hour of the router's requests to the app, as the metrics history folded them (null: none kept). */
  requests?(app: string): Omit<RequestFact, 'app'> | null;
}

/** Apps reported at once: each report inspects the app's containers. */
const PARALLEL = 4;

export async function collectMetrics(src: MetricsSources): Promise<MetricsFacts> {
  const names = src.appNames();
  const listed = await src.containers();
  const idByName = new Map(listed.map((c) => [c.name.replace(/^\//, ''), c.id]));
  const reports: AppProcessReport[] = [];
  for (let i = 0; i < names.length; i += PARALLEL) {
    // An app destroyed between the list and its report is left out of this scrape.
    const batch = await Promise.all(names.slice(i, i + PARALLEL).map((a) => src.report(a).catch(() => null)));
    for (const r of batch) if (r) reports.push(r);
  }
  const containers: ContainerFact[] = [];
  for (const r of reports) {
    for (const p of r.processes) {
      for (const c of p.containers) {
        const id = idByName.get(c.name);
        const last = id ? src.samplesOf(id).at(-1) : undefined;
        containers.push({
          app: r.app, process: p.type, container: c.name, state: c.state, restarts: c.restarts,
          cpuPercent: last?.cpuPercent ?? null, memoryBytes: last?.memoryBytes ?? null, memoryLimitBytes: last?.memoryLimitBytes ?? null,
        });
      }
    }
  }
  return {
    apps: reports.map((r) => ({ app: r.app, status: r.status, release: r.release })),
    processTypes: reports.flatMap((r) => r.processes.map((p) => ({ app: r.app, process: p.type, desired: p.desired, running: p.running }))),
    containers,
    requests: src.requests ? reports.flatMap((r) => { const t = src.requests!(r.app); return t ? [{ app: r.app, ...t }] : []; }) : [],
    builds: src.builds(),
  };
}
