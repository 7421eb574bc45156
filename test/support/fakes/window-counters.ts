import type { WindowCounters } from '../../../app/ports/window-counters';

/**
 * The WindowCounters port in memory, for unit tests: a key's window starts with its first hit and
 * ends `windowSeconds` later, taking the count with it; later hits never move the end. The clock is
 * Date.now unless a test hands its own (to step past a window without waiting).
 * test/conformance/window-counters.ts holds it and Redis's counters to one contract.
 */
export class InMemoryWindowCounters implements WindowCounters {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowSeconds: number): Promise<number> {
    const w = this.live(key) ?? { count: 0, endsAt: this.now() + Math.max(1, Math.round(windowSeconds * 1000)) };
    w.count += 1;
    this.windows.set(key, w);
    return w.count;
  }

  async peek(key: string): Promise<{ count: number; resetsInMs: number }> {
    const w = this.live(key);
    return w ? { count: w.count, resetsInMs: w.endsAt - this.now() } : { count: 0, resetsInMs: 0 };
  }

  async undo(key: string): Promise<void> {
    const w = this.live(key);
    if (w && w.count > 0) w.count -= 1;
  }

  async clear(key: string): Promise<void> {
    this.windows.delete(key);
  }

  /** The key's window while it lasts; an ended one is forgotten. */
  private live(key: string): { count: number; endsAt: number } | undefined {
    const w = this.windows.get(key);
    if (w && w.endsAt > this.now()) return w;
    this.windows.delete(key);
    return undefined;
  }
}
