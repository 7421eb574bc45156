/** The metrics history's tables (infra/sqlite implements them; the metrics module owns them). */

/** One bucket of a process type's resource figures. */
export interface ProcessBucket {
  readonly app: string;
  readonly process: string;
  /** Bucket width in seconds (its tier). */
  readonly step: number;
  /** Bucket start, epoch seconds. */
  readonly at: number;
  /** Samples folded in: the averages below are sums over this count. */
  readonly samples: number;
  /** Sum over the samples of the type's CPU (percent of one CPU, all its containers together). */
  readonly cpuSum: number;
  readonly memorySum: number;
  readonly memoryMax: number;
  /** The type's memory limit (all its containers') at the last sample; null: one of them has none. */
  readonly memoryLimit: number | null;
  /** Restarts by docker's restart policy within the bucket. */
  readonly restarts: number;
  /** Containers at the last sample. */
  readonly containers: number;
}

/** One bucket of the router's requests to an app. */
export interface RequestBucket {
  readonly app: string;
  readonly step: number;
  readonly at: number;
  readonly requests: number;
  readonly s2xx: number;
  readonly s3xx: number;
  readonly s4xx: number;
  readonly s5xx: number;
  /** Latency histogram (latency-histogram.ts): bin → count. */
  readonly latency: Readonly<Record<number, number>>;
}

export interface MetricsStore {
  /** Adds each bucket to the stored one of the same key (sums, maxima; the latest limit and count). */
  addProcessBuckets(buckets: readonly ProcessBucket[]): void;
  addRequestBuckets(buckets: readonly RequestBucket[]): void;
  /** An app's buckets of one tier from `since` (epoch seconds), oldest first. */
  processBuckets(app: string, step: number, since: number): ProcessBucket[];
  requestBuckets(app: string, step: number, since: number): RequestBucket[];
  /** Removes the tier's buckets older than `before`; how many went. */
  prune(step: number, before: number): number;
  /** Where reading the router's request log stopped: its identity (inode) and byte offset. */
  cursor(name: string): { readonly identity: string; readonly position: number } | null;
  setCursor(name: string, identity: string, position: number): void;
}
