import type { DrainConnection, DrainConnector, DrainLine, LogDrainRecord } from '../ports/log-drains';
import { checkDrainAddress, type DrainAddressRule } from './drain-url';

/** What `logs:drain-list` shows of one drain. */
export interface DrainStatus {
  /** `connecting` before the first connection, `connected`, or `down` (retrying with backoff). */
  readonly state: 'connecting' | 'connected' | 'down';
  readonly delivered: number;
  /** Lines dropped, oldest first, while the buffer was full (the receiver down or slow). */
  readonly dropped: number;
  /** Lines waiting now. */
  readonly buffered: number;
  readonly lastError: string | null;
  readonly lastDeliveredAt: string | null;
}

export interface DrainSinkDeps {
  readonly connector: DrainConnector;
  readonly rule: DrainAddressRule;
  /** Lines held at most (BERTH_LOG_DRAIN_BUFFER). */
  readonly capacity: number;
  /** Backoff between connection attempts: from `minRetryMs` doubling to `maxRetryMs`. */
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
}

/** Lines sent in one write or one HTTPS request at most. */
const BATCH = 500;

/**
 * One drain: a bounded buffer in front of a connection that is opened, used and opened again. The
 * app never waits for it: `push` only appends, dropping (and counting) the oldest line when full,
 * so a receiver that is down or slow costs lines, never the app's output or berth's memory.
 */
export class DrainSink {
  private buffer: DrainLine[] = [];
  private delivered = 0;
  private dropped = 0;
  private state: DrainStatus['state'] = 'connecting';
  private lastError: string | null = null;
  private lastDeliveredAt: string | null = null;
  private wake: (() => void) | null = null;
  private readonly abort = new AbortController();

  constructor(readonly record: LogDrainRecord, private readonly deps: DrainSinkDeps) {}

  push(line: DrainLine): void {
    if (this.buffer.length >= this.deps.capacity) {
      this.buffer.shift();
      this.dropped += 1;
    }
    this.buffer.push(line);
    this.wake?.();
  }

  status(): DrainStatus {
    return {
      state: this.state, delivered: this.delivered, dropped: this.dropped, buffered: this.buffer.length,
      lastError: this.lastError, lastDeliveredAt: this.lastDeliveredAt,
    };
  }

  stop(): void {
    this.abort.abort();
    this.wake?.();
  }

  /** Runs until stop(): connect, send what is buffered and what comes, and on any failure wait and connect again. */
  async run(): Promise<void> {
    const { signal } = this.abort;
    const min = this.deps.minRetryMs ?? 1000;
    let retry = min;
    while (!signal.aborted) {
      let conn: DrainConnection;
      try {
        const url = new URL(this.record.url);
        const address = await checkDrainAddress(url, this.deps.rule);
        conn = await this.deps.connector({ url, address }, signal);
      } catch (e) {
        this.down(e);
        await this.backoff(retry);
        retry = Math.min(retry * 2, this.deps.maxRetryMs ?? 10_000);
        continue;
      }
      this.state = 'connected';
      this.lastError = null;
      retry = min;
      const failure = await this.sendUntilClosed(conn, signal);
      conn.close();
      if (signal.aborted) break;
      this.down(failure);
      await this.backoff(retry);
    }
  }

  private down(e: unknown): void {
    this.state = 'down';
    this.lastError = e instanceof Error ? e.message : String(e);
  }

  private async sendUntilClosed(conn: DrainConnection, signal: AbortSignal): Promise<Error> {
    let gone: Error | null = null;
    void conn.closed.then((e) => { gone = e ?? new Error('the receiver closed the connection'); this.wake?.(); });
    while (!signal.aborted && gone === null) {
      if (this.buffer.length === 0) { await this.pause(60_000); continue; }
      const batch = this.buffer.splice(0, BATCH);
      try {
        await conn.send(batch);
        this.delivered += batch.length;
        this.lastDeliveredAt = new Date().toISOString();
      } catch (e) {
        // Not sent: back in front, within the bound (the oldest go first, counted).
        this.buffer.unshift(...batch);
        const over = this.buffer.length - this.deps.capacity;
        if (over > 0) { this.buffer.splice(0, over); this.dropped += over; }
        gone = e instanceof Error ? e : new Error(String(e));
      }
    }
    return gone ?? new Error('stopped');
  }

  /** Waits `ms` before connecting again; only stop() cuts it short (new lines just queue). */
  private backoff(ms: number): Promise<void> {
    const { signal } = this.abort;
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); }
      signal.addEventListener('abort', done);
    });
  }

  /** Waits `ms`, or less when a line comes or the sink stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void { clearTimeout(timer); resolve(); }
      this.wake = () => { this.wake = null; done(); };
    });
  }
}
