/** What every benchmark's `run()` returns; run-all.ts prints and records these. */
export interface Figure {
  readonly label: string;
  /** Already formatted, e.g. "1.12" or "340 ms". */
  readonly value: string;
  /** The target beside it, e.g. "≤ 1.25"; omit when there is none. */
  readonly target?: string;
}

export interface BenchResult {
  readonly name: string;
  /** Either a list of figures or a plain label → value record. */
  readonly figures: readonly Figure[] | Readonly<Record<string, string | number>>;
  /** One line on how it was measured. */
  readonly method?: string;
}

export function normaliseFigures(f: BenchResult['figures']): Figure[] {
  if (Array.isArray(f)) return f as Figure[];
  return Object.entries(f as Record<string, string | number>).map(([label, value]) => ({ label, value: String(value) }));
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
