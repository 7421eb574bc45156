import type { LogBus } from '../../../app/ports/log-bus';

type Outcome = 'succeeded' | 'failed' | 'cancelled';

/**
 * The LogBus port in memory, for unit tests: follow replays a build's lines from the start, then
 * gets live ones until the log ends, and resolves with the outcome (test/conformance/log-bus.ts
 * holds it and the Redis stream bus to the same contract). `lines` and `ends` are there to read.
 */
export class InMemoryLogBus implements LogBus {
  readonly lines = new Map<number, string[]>();
  readonly ends = new Map<number, Outcome>();
  private readonly waiters = new Map<number, Set<() => void>>();

  async append(buildId: number, line: string): Promise<void> {
    this.lines.set(buildId, [...(this.lines.get(buildId) ?? []), line]);
    this.wake(buildId);
  }

  async end(buildId: number, outcome: Outcome): Promise<void> {
    // As a stream: what follows the first end is never read.
    if (!this.ends.has(buildId)) this.ends.set(buildId, outcome);
    this.wake(buildId);
  }

  /** Rejects with the signal's reason when aborted, as the Redis bus does. */
  async follow(buildId: number, onLine: (line: string) => void, signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    let read = 0;
    for (;;) {
      const lines = this.lines.get(buildId) ?? [];
      while (read < lines.length) onLine(lines[read++]!);
      const outcome = this.ends.get(buildId);
      if (outcome !== undefined) return outcome;
      await new Promise<void>((resolve, reject) => {
        const set = this.waiters.get(buildId) ?? new Set();
        this.waiters.set(buildId, set);
        const onAbort = () => { set.delete(wake); reject(signal!.reason); };
        const wake = () => { signal?.removeEventListener('abort', onAbort); resolve(); };
        set.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  async close(): Promise<void> { /* nothing held */ }

  private wake(buildId: number): void {
    const set = this.waiters.get(buildId);
    this.waiters.delete(buildId);
    set?.forEach((w) => w());
  }
}
