import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { BerthError } from '../../errors';
import type { LockService } from '../../ports/lock';
import type { RedisKeys } from './keys';

/** A held lock expires this long after its last renewal, so a crashed holder frees it. */
const LEASE_MS = 30_000;
const RENEW_EVERY_MS = 10_000;
const POLL_EVERY_MS = 50;

// Only the holder (same token) may extend or delete: a lock that expired and was taken by
// another process must not be touched.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Locks shared by every berth process: SET NX PX with a random token, renewed while held. */
export class RedisLockService implements LockService {
  private readonly held = new Set<NodeJS.Timeout>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Polls until the lock is free; waitMs defaults to forever. */
  async acquire(name: string, options: { readonly waitMs?: number } = {}): Promise<() => Promise<void>> {
    const deadline = options.waitMs === undefined ? Infinity : Date.now() + options.waitMs;
    for (;;) {
      const release = await this.tryAcquire(name);
      if (release) return release;
      if (Date.now() >= deadline) {
        throw new BerthError('INTERNAL', `The lock "${name}" is still held after ${options.waitMs} ms; try again later.`);
      }
      await sleep(Math.min(POLL_EVERY_MS, Math.max(0, deadline - Date.now())));
    }
  }

  async tryAcquire(name: string): Promise<(() => Promise<void>) | null> {
    const key = this.keys.lock(name);
    const token = randomBytes(16).toString('hex');
    const ok = await this.redis.set(key, token, 'PX', LEASE_MS, 'NX');
    if (ok !== 'OK') return null;

    const timer = setInterval(() => {
      this.redis.eval(RENEW, 1, key, token, LEASE_MS).catch(() => {
        // Redis unreachable for a moment: the next renewal retries; the lease covers two misses.
      });
    }, RENEW_EVERY_MS);
    timer.unref();
    this.held.add(timer);

    let released = false;
    return async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      this.held.delete(timer);
      await this.redis.eval(RELEASE, 1, key, token);
    };
  }

  async forceRelease(name: string): Promise<void> {
    await this.redis.del(this.keys.lock(name));
  }

  /** Stops renewing; locks still held then expire on their own after the lease. */
  close(): void {
    for (const timer of this.held) clearInterval(timer);
    this.held.clear();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
