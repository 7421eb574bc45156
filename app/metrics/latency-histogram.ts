/**
 * Request latencies as counts per bin, so that buckets merge exactly when they are downsampled
 * (percentiles of percentiles would not). Bins grow by 10 % from 1 ms: bin 0 holds everything up
 * to 1 ms, bin k everything up to 1.1^k ms; a percentile reads as its bin's geometric middle,
 * within 5 % of the true value. Stored sparse: bin index → count.
 */
export type LatencyHistogram = Record<number, number>;

const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);
/** 1.1^200 ms is about 6 days: nothing nginx logs goes beyond the last bin. */
const LAST_BIN = 200;

/** The bin of a latency in seconds (as nginx's $request_time gives it). */
export function binOf(seconds: number): number {
  const ms = seconds * 1000;
  if (!(ms > 1)) return 0;
  return Math.min(LAST_BIN, Math.ceil(Math.log(ms) / LOG_GROWTH - 1e-9));
}

/** Adds one latency (seconds) to `h`. */
export function addLatency(h: LatencyHistogram, seconds: number): void {
  const b = binOf(seconds);
  h[b] = (h[b] ?? 0) + 1;
}

/** `into` gets `from`'s counts added. */
export function mergeInto(into: LatencyHistogram, from: Readonly<LatencyHistogram>): void {
  for (const [k, n] of Object.entries(from)) into[Number(k)] = (into[Number(k)] ?? 0) + n;
}

/** The q-quantile (0.5, 0.95) in milliseconds, null for an empty histogram. */
export function percentileMs(h: Readonly<LatencyHistogram>, q: number): number | null {
  const bins = Object.keys(h).map(Number).sort((a, b) => a - b);
  const total = bins.reduce((s, b) => s + h[b], 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (const b of bins) {
    seen += h[b];
    if (seen >= rank) return b === 0 ? 1 : Math.pow(GROWTH, b - 0.5);
  }
  return Math.pow(GROWTH, bins[bins.length - 1] - 0.5);
}
