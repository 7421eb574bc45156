import { BerthError } from '../../../app/errors';
import type { LockService } from '../../../app/ports/lock';

/**
 * The LockService port in memory, for unit tests (one process, so no lease): a lock is held until
 * its holder releases it or forceRelease drops it; a release by a holder whose lock was forced away
 * leaves the next holder's alone. test/conformance/locks.ts holds it and Redis's locks to one contract.
 */
export class InMemoryLocks implements LockService {
  private readonly holders = new Map<string, symbol>();
  private readonly waiters = new Set<() => void>();

  async acquire(name: string, options: { readonly waitMs?: number } = {}): Promise<() => Promise<void>> {
    const deadline = options.waitMs === undefined ? Infinity : Date.now() + options.waitMs;
    for (;;) {
      const release = await this.tryAcquire(name);
      if (release) return release;
      const left = deadline - Date.now();
      if (left <= 0) throw new BerthError('INTERNAL', `The lock "${name}" is still held after ${options.waitMs} ms; try again later.`);
      await new Promise<void>((wake) => {
        const done = (): void => { clearTimeout(timer); this.waiters.delete(done); wake(); };
        const timer = left === Infinity ? undefined : setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  async tryAcquire(name: string): Promise<(() => Promise<void>) | null> {
    if (this.holders.has(name)) return null;
    const token = Symbol(name);
    this.holders.set(name, token);
    return async () => {
      if (this.holders.get(name) === token) this.holders.delete(name);
      this.wake();
    };
  }

  async forceRelease(name: string): Promise<void> {
    this.holders.delete(name);
    this.wake();
  }

  /** Names held now. */
  held(): string[] { return [...this.holders.keys()].sort(); }

  private wake(): void { [...this.waiters].forEach((w) => w()); }
}
