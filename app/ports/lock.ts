/** A lock shared by every berth process (Redis in production). */
export interface LockService {
  /** Resolves with a release function once the lock is held; the lock renews itself while held. */
  acquire(name: string, options?: { readonly waitMs?: number }): Promise<() => Promise<void>>;
  /** Like acquire but resolves null at once if held elsewhere. */
  tryAcquire(name: string): Promise<(() => Promise<void>) | null>;
  /**
   * Deletes the lock whoever holds it. Only for crash recovery: a holder that died holds it until
   * its lease ends, and the work it guarded is known to be over.
   */
  forceRelease(name: string): Promise<void>;
}
