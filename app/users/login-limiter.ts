import { BerthError } from '../errors';

/**
 * Failed dashboard logins per (address, user name) in a sliding window. In memory: it only
 * guards the one web process, and a restart forgets it — a Redis counter would survive both.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly o: { maxFailures: number; windowMs: number; now?: () => number }) {}

  private key(address: string, user: string): string { return `${address}\n${user.slice(0, 200)}`; }

  /** Throws LOGIN_RATE_LIMITED when this address failed too often for this user lately. */
  check(address: string, user: string): void {
    const recent = this.recent(this.key(address, user));
    if (recent.length >= this.o.maxFailures) {
      const wait = Math.ceil((recent[0] + this.o.windowMs - this.now()) / 1000);
      throw new BerthError('LOGIN_RATE_LIMITED', `Too many failed logins; try again in ${Math.max(wait, 1)} s.`);
    }
  }

  failed(address: string, user: string): void {
    const key = this.key(address, user);
    this.failures.set(key, [...this.recent(key), this.now()]);
    if (this.failures.size > 10_000) this.prune();
  }

  succeeded(address: string, user: string): void {
    this.failures.delete(this.key(address, user));
  }

  private now(): number { return (this.o.now ?? Date.now)(); }

  private recent(key: string): number[] {
    const since = this.now() - this.o.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  private prune(): void {
    for (const key of [...this.failures.keys()]) if (this.recent(key).length === 0) this.failures.delete(key);
  }
}
