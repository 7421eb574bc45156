import { BerthError } from '../errors';

/** One resolution of the history: buckets `step` seconds wide, kept for `keep` seconds. */
export interface Tier {
  readonly step: number;
  readonly keep: number;
}

export const RANGES = { '1h': 3600, '24h': 86_400, '7d': 7 * 86_400 } as const;
export type MetricsRange = keyof typeof RANGES;

/**
 * Raw samples (one bucket per sampling interval) for an hour, 1-minute buckets for a day,
 * 10-minute buckets for a week: each range of the charts reads one tier, at most ~1,000 points.
 * An interval of a minute or more has no raw tier of its own (the minute tier is as fine).
 */
export function tiersFor(intervalSeconds: number): readonly Tier[] {
  const raw = Math.max(1, Math.floor(intervalSeconds));
  const tiers: Tier[] = [{ step: 60, keep: RANGES['24h'] }, { step: 600, keep: RANGES['7d'] }];
  if (raw < 60) tiers.unshift({ step: raw, keep: RANGES['1h'] });
  return tiers;
}

/** The tier a range is drawn from: the finest that keeps the whole range. */
export function tierForRange(tiers: readonly Tier[], range: MetricsRange): Tier {
  return tiers.find((t) => t.keep >= RANGES[range]) ?? tiers[tiers.length - 1];
}

/** The start (epoch seconds) of the bucket holding `atMs`. */
export function bucketOf(atMs: number, step: number): number {
  const s = Math.floor(atMs / 1000);
  return s - (s % step);
}

export function parseRange(v: unknown): MetricsRange {
  if (v === undefined || v === '') return '1h';
  if (typeof v === 'string' && Object.prototype.hasOwnProperty.call(RANGES, v)) return v as MetricsRange;
  throw new BerthError('INVALID_METRICS_RANGE', `"${String(v)}" is not a metrics range: use 1h, 24h or 7d.`);
}
