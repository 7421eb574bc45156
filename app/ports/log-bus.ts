/** A build's log: appended by the worker, read live (with replay from the start) by pushers and the API. */

export interface LogBus {
  append(buildId: number, line: string): Promise<void>;
  /** Marks the log complete; followers stop after they have read everything. */
  end(buildId: number, outcome: 'succeeded' | 'failed' | 'cancelled'): Promise<void>;
  /** Calls onLine for every line from the start, then live ones, until end; resolves with the outcome. */
  follow(buildId: number, onLine: (line: string) => void, signal?: AbortSignal): Promise<string>;
  close(): Promise<void>;
}
