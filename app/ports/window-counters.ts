/**
 * Counters that reset on their own after a fixed window, shared by every berth process (Redis in
 * production), so limits hold across processes and restarts.
 */
export interface WindowCounters {
  /**
   * Adds one to `key`; the first hit starts its window, which ends `windowSeconds` later and takes
   * the count with it. Resolves with the count after this hit.
   */
  hit(key: string, windowSeconds: number): Promise<number>;
  /** The count of `key` now (0 when none) and the milliseconds left in its window. */
  peek(key: string): Promise<{ readonly count: number; readonly resetsInMs: number }>;
  /** Takes back one hit of `key` (never below 0, never starting a window); its window's end stays. */
  undo(key: string): Promise<void>;
  /** Forgets `key` at once. */
  clear(key: string): Promise<void>;
}
