import type { MetricsStore, ProcessBucket, RequestBucket } from '../ports/metrics-store';
import type { RequestLog, RequestLine } from '../ports/request-log';
import { addLatency, mergeInto, percentileMs, type LatencyHistogram } from './latency-histogram';
import { RANGES, bucketOf, tierForRange, tiersFor, type MetricsRange, type Tier } from './tiers';

/** One process type of one app at one sampling round: all its containers together. */
export interface ProcessSample {
  readonly app: string;
  readonly process: string;
  readonly cpuPercent: number;
  readonly memoryBytes: number;
  /** The sum of its containers' limits; null when one of them has none. */
  readonly memoryLimitBytes: number | null;
  readonly restarts: number;
  readonly containers: number;
}

export interface MetricsServiceDeps {
  readonly store: { readonly metrics: MetricsStore; transaction<T>(fn: () => T): T };
  /** The router's request log; null: no request metrics (a berth without its router). */
  readonly requestLog: RequestLog | null;
  /** Seconds between samples: the width of the finest tier. */
  readonly intervalSeconds: number;
}

export interface ProcessSeries {
  readonly process: string;
  /** Average CPU per bucket (percent of one CPU); null: no sample. */
  readonly cpu: Array<number | null>;
  /** Average memory per bucket, bytes. */
  readonly memory: Array<number | null>;
  /** The limit at the latest sample, bytes; null: none. */
  readonly memoryLimit: number | null;
  readonly restarts: Array<number | null>;
}

export interface RequestTotals { readonly requests: number; readonly s2xx: number; readonly s3xx: number; readonly s4xx: number; readonly s5xx: number; readonly p50: number | null; readonly p95: number | null }

export interface MetricsHistory {
  readonly app: string;
  readonly range: MetricsRange;
  /** Bucket width in seconds. */
  readonly step: number;
  /** Bucket starts, epoch seconds; every series below has one value per entry. */
  readonly t: number[];
  readonly processes: ProcessSeries[];
  readonly requests: {
    /** Requests per second over each bucket. */
    readonly rate: number[];
    readonly s2xx: number[]; readonly s3xx: number[]; readonly s4xx: number[]; readonly s5xx: number[];
    /** Latency percentiles in milliseconds; null: no request. */
    readonly p50: Array<number | null>;
    readonly p95: Array<number | null>;
    /** Over the whole range. */
    readonly total: RequestTotals;
  };
}

const LOG_CURSOR = 'router-requests';
/** Read per round at most (about 100,000 requests), so a backlog is caught up over rounds, not in one long stall. */
const READ_BYTES = 4 * 1024 * 1024;
const READS_PER_ROUND = 4;
/** The request log is emptied once read past this. */
const CUT_BYTES = 16 * 1024 * 1024;

type Counts = { requests: number; s2xx: number; s3xx: number; s4xx: number; s5xx: number; latency: LatencyHistogram };
const noCounts = (): Counts => ({ requests: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0, latency: {} });
/**
 * The status class of a logged request. nginx's 499 (the client closed the connection before the
 * answer: a load generator stopping, a browser navigating away) is no answer the app gave: it counts
 * as a request, in no class.
 */
export const classOf = (status: number): 's2xx' | 's3xx' | 's4xx' | 's5xx' | null =>
  status === 499 ? null
    : status >= 200 && status < 300 ? 's2xx' : status >= 300 && status < 400 ? 's3xx' : status >= 400 && status < 500 ? 's4xx' : status >= 500 && status < 600 ? 's5xx' : null;

/**
 * The metrics history: each sample and each logged request is added to a bucket of every tier
 * (raw for an hour, minutes for a day, 10 minutes for a week), so downsampling is addition and
 * pruning drops whole buckets. Kept in SQLite, it survives restarts.
 */
export class MetricsService {
  readonly tiers: readonly Tier[];

  constructor(private readonly deps: MetricsServiceDeps) {
    this.tiers = tiersFor(deps.intervalSeconds);
  }

  recordProcesses(atMs: number, samples: readonly ProcessSample[]): void {
    const buckets: ProcessBucket[] = [];
    for (const t of this.tiers) {
      for (const s of samples) {
        buckets.push({
          app: s.app, process: s.process, step: t.step, at: bucketOf(atMs, t.step), samples: 1, cpuSum: s.cpuPercent,
          memorySum: s.memoryBytes, memoryMax: s.memoryBytes, memoryLimit: s.memoryLimitBytes, restarts: s.restarts, containers: s.containers,
        });
      }
    }
    this.deps.store.metrics.addProcessBuckets(buckets);
  }

  /** Folds what the router logged since the last call into the history; how many requests. */
  async foldRequests(): Promise<number> {
    const log = this.deps.requestLog;
    if (!log) return 0;
    let folded = 0;
    for (let i = 0; i < READS_PER_ROUND; i++) {
      const from = this.deps.store.metrics.cursor(LOG_CURSOR);
      const chunk = await log.read(from, READ_BYTES);
      const buckets = this.requestBuckets(chunk.lines);
      // The buckets and the cursor together: a crash between them neither loses nor counts twice.
      this.deps.store.transaction(() => {
        this.deps.store.metrics.addRequestBuckets(buckets);
        this.deps.store.metrics.setCursor(LOG_CURSOR, chunk.identity, chunk.position);
      });
      folded += chunk.lines.length;
      if (chunk.position < chunk.size) continue;
      if (chunk.position >= CUT_BYTES && await log.cutIfUnchanged(chunk.identity, chunk.size)) {
        this.deps.store.metrics.setCursor(LOG_CURSOR, chunk.identity, 0);
      }
      break;
    }
    return folded;
  }

  /**
   * The app's router answers from `sinceMs` on, and how many were 5xx (the deploy watch's rate): the
   * finest tier's buckets that start at or after it, so none holds a request from before.
   */
  requestsSince(app: string, sinceMs: number): { requests: number; s5xx: number } {
    const tier = this.tiers[0];
    const first = Math.ceil(sinceMs / 1000 / tier.step) * tier.step;
    let requests = 0;
    let s5xx = 0;
    for (const b of this.deps.store.metrics.requestBuckets(app, tier.step, first)) {
      requests += b.requests;
      s5xx += b.s5xx;
    }
    return { requests, s5xx };
  }

  /** Drops buckets each tier no longer keeps. */
  prune(nowMs: number): number {
    return this.tiers.reduce((n, t) => n + this.deps.store.metrics.prune(t.step, Math.floor(nowMs / 1000) - t.keep), 0);
  }

  history(app: string, range: MetricsRange, nowMs: number): MetricsHistory {
    const tier = tierForRange(this.tiers, range);
    const last = bucketOf(nowMs, tier.step);
    const first = bucketOf(nowMs - RANGES[range] * 1000, tier.step) + tier.step;
    const t: number[] = [];
    for (let at = first; at <= last; at += tier.step) t.push(at);
    const index = (at: number) => (at - first) / tier.step;
    const processes = new Map<string, ProcessSeries>();
    const latest = new Map<string, number>();
    for (const b of this.deps.store.metrics.processBuckets(app, tier.step, first)) {
      let p = processes.get(b.process);
      if (!p) {
        p = { process: b.process, cpu: t.map(() => null), memory: t.map(() => null), memoryLimit: null, restarts: t.map(() => null) };
        processes.set(b.process, p);
      }
      const i = index(b.at);
      if (i < 0 || i >= t.length) continue;
      p.cpu[i] = b.cpuSum / b.samples;
      p.memory[i] = b.memorySum / b.samples;
      p.restarts[i] = b.restarts;
      if (b.at >= (latest.get(b.process) ?? -1)) {
        latest.set(b.process, b.at);
        (p as { memoryLimit: number | null }).memoryLimit = b.memoryLimit;
      }
    }
    return { app, range, step: tier.step, t, processes: [...processes.values()], requests: this.requestSeries(app, tier, t, first) };
  }

  private requestSeries(app: string, tier: Tier, t: readonly number[], first: number): MetricsHistory['requests'] {
    const zeros = () => t.map(() => 0);
    const out = { rate: zeros(), s2xx: zeros(), s3xx: zeros(), s4xx: zeros(), s5xx: zeros(), p50: t.map((): number | null => null), p95: t.map((): number | null => null) };
    const all = noCounts();
    for (const b of this.deps.store.metrics.requestBuckets(app, tier.step, first)) {
      const i = (b.at - first) / tier.step;
      if (i < 0 || i >= t.length) continue;
      out.rate[i] = b.requests / tier.step;
      out.s2xx[i] = b.s2xx; out.s3xx[i] = b.s3xx; out.s4xx[i] = b.s4xx; out.s5xx[i] = b.s5xx;
      out.p50[i] = percentileMs(b.latency, 0.5);
      out.p95[i] = percentileMs(b.latency, 0.95);
      all.requests += b.requests; all.s2xx += b.s2xx; all.s3xx += b.s3xx; all.s4xx += b.s4xx; all.s5xx += b.s5xx;
      mergeInto(all.latency, b.latency);
    }
    const total = { requests: all.requests, s2xx: all.s2xx, s3xx: all.s3xx, s4xx: all.s4xx, s5xx: all.s5xx, p50: percentileMs(all.latency, 0.5), p95: percentileMs(all.latency, 0.95) };
    return { ...out, total };
  }

  private requestBuckets(lines: readonly RequestLine[]): RequestBucket[] {
    const byKey = new Map<string, Counts & { app: string; step: number; at: number }>();
    for (const l of lines) {
      const cls = classOf(l.status);
      for (const tier of this.tiers) {
        const at = bucketOf(l.atMs, tier.step);
        const key = `${l.app}\u0000${tier.step}\u0000${at}`;
        let c = byKey.get(key);
        if (!c) { c = { ...noCounts(), app: l.app, step: tier.step, at }; byKey.set(key, c); }
        c.requests++;
        if (cls) c[cls]++;
        addLatency(c.latency, l.seconds);
      }
    }
    return [...byKey.values()];
  }
}
