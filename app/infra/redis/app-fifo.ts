import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys';

// Pushing the same build twice would make it wait behind itself.
const PUSH_ONCE = `if redis.call('LPOS', KEYS[1], ARGV[1]) == false then redis.call('RPUSH', KEYS[1], ARGV[1]) end return 1`;

/**
 * The order of each app's builds, kept in Redis so every process sees it: a list per app,
 * pushed at enqueue, head = the build running or next to run, removed when it ends.
 */
export class AppFifo {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async push(app: string, buildId: number): Promise<void> {
    await this.redis.eval(PUSH_ONCE, 1, this.keys.appFifo(app), String(buildId));
  }

  /** Index in the app's order (= builds ahead), or null when not queued. */
  async indexOf(app: string, buildId: number): Promise<number | null> {
    return this.redis.lpos(this.keys.appFifo(app), String(buildId));
  }

  async head(app: string): Promise<number | null> {
    const id = await this.redis.lindex(this.keys.appFifo(app), 0);
    return id === null ? null : Number(id);
  }

  async remove(app: string, buildId: number): Promise<void> {
    await this.redis.lrem(this.keys.appFifo(app), 0, String(buildId));
  }

  /** Removes ids that are not live from every app's list. */
  async prune(isLive: (buildId: number) => boolean | Promise<boolean>): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', this.keys.appFifoPattern(), 'COUNT', 100);
      cursor = next;
      for (const key of keys) {
        for (const id of await this.redis.lrange(key, 0, -1)) {
          if (!(await isLive(Number(id)))) await this.redis.lrem(key, 0, id);
        }
      }
    } while (cursor !== '0');
  }
}
