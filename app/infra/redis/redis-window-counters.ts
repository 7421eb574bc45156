import type { Redis } from 'ioredis';
import type { WindowCounters } from '../../ports/window-counters';
import type { RedisKeys } from './keys';

// INCR then EXPIRE, atomically: a key must never be left without a TTL (it would count forever).
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

// DECR only an existing, positive count: DECR on a missing key would make one at -1 with no TTL.
const UNDO = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

/** Fixed-window counters: one Redis key each, INCR + PEXPIRE on the first hit. */
export class RedisWindowCounters implements WindowCounters {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async hit(key: string, windowSeconds: number): Promise<number> {
    return Number(await this.redis.eval(HIT, 1, this.keys.counter(key), Math.max(1, Math.round(windowSeconds * 1000))));
  }

  async peek(key: string): Promise<{ count: number; resetsInMs: number }> {
    const k = this.keys.counter(key);
    const [[, count], [, ttl]] = (await this.redis.multi().get(k).pttl(k).exec()) as [[unknown, string | null], [unknown, number]];
    return { count: Number(count ?? 0), resetsInMs: Math.max(0, Number(ttl)) };
  }

  async undo(key: string): Promise<void> {
    await this.redis.eval(UNDO, 1, this.keys.counter(key));
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(this.keys.counter(key));
  }
}
