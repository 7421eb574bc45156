import type { Redis } from 'ioredis';
import type { LogBus } from '../../ports/log-bus';
import { closeConnection, duplicateConnection } from './connections';
import type { RedisKeys } from './keys';

type Outcome = 'succeeded' | 'failed' | 'cancelled';

/** A log nobody ended (its worker crashed) still goes away eventually. */
const OPEN_TTL_S = 7 * 24 * 3600;
/** How long a finished build's log stays readable. */
const ENDED_TTL_S = 24 * 3600;
/** Short enough to notice a dead connection; lines themselves arrive at once. */
const BLOCK_MS = 5000;
const BATCH = 500;

type StreamReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

/** Each build's log is a Redis stream: replay from the start and live tail in one read loop. */
export class RedisLogBus implements LogBus {
  private readonly followers = new Set<Redis>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly onError: (err: Error) => void,
  ) {}

  async append(buildId: number, line: string): Promise<void> {
    const key = this.keys.buildLog(buildId);
    await this.redis.multi().xadd(key, '*', 'line', line).expire(key, OPEN_TTL_S).exec();
  }

  async end(buildId: number, outcome: Outcome): Promise<void> {
    const key = this.keys.buildLog(buildId);
    await this.redis.multi().xadd(key, '*', 'end', outcome).expire(key, ENDED_TTL_S).exec();
  }

  /** Rejects with the signal's reason when aborted. */
  async follow(buildId: number, onLine: (line: string) => void, signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    const key = this.keys.buildLog(buildId);
    // XREAD BLOCK holds its connection, so every follower reads on its own.
    const conn = duplicateConnection(this.redis, this.onError);
    this.followers.add(conn);
    const onAbort = () => conn.disconnect();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let lastId = '0';
      for (;;) {
        const reply = (await conn.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', key, lastId)) as StreamReply;
        signal?.throwIfAborted();
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const entry = toRecord(fields);
            if (entry.end !== undefined) return entry.end;
            if (entry.line !== undefined) onLine(entry.line);
          }
        }
      }
    } catch (e) {
      signal?.throwIfAborted();
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.followers.delete(conn);
      await closeConnection(conn);
    }
  }

  /** Drops every follower's connection (their follow() rejects); the shared connection is the owner's. */
  async close(): Promise<void> {
    for (const conn of this.followers) conn.disconnect();
    this.followers.clear();
  }
}

function toRecord(fields: string[]): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}
