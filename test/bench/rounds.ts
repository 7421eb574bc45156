/**
 * Side-by-side measuring for the benches: both sides run in every round, the order alternates
 * (A first in even rounds, B first in odd ones) so neither side always gets the warmer caches or
 * the quieter moment, and the result is reported as a median with its spread over the rounds.
 */
import { median } from './bench-types';

/** At least this many rounds, whatever BENCH_ROUNDS says: fewer cannot show a spread worth reading. */
export const MIN_ROUNDS = 5;

export function roundsFromEnv(fallback = MIN_ROUNDS): number {
  return Math.max(MIN_ROUNDS, Number(process.env.BENCH_ROUNDS ?? fallback) || fallback);
}

export interface SideBySide { readonly a: number[]; readonly b: number[] }

/** Runs `a` and `b` once per round, alternating which goes first; returns each side's samples in round order. */
export async function alternate(rounds: number, a: (round: number) => Promise<number>, b: (round: number) => Promise<number>): Promise<SideBySide> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      out.a.push(await a(i));
      out.b.push(await b(i));
    } else {
      out.b.push(await b(i));
      out.a.push(await a(i));
    }
  }
  return out;
}

/** `median (min–max)` with the given digits. */
export function spread(xs: readonly number[], digits = 2): string {
  return `${median([...xs]).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
}

/** The ratio a/b of each round (same round, same conditions), as `median (min–max)`. */
export function ratio(s: SideBySide, digits = 2): { median: number; text: string } {
  const per = s.a.map((x, i) => x / s.b[i]);
  return { median: median(per), text: spread(per, digits) };
}
