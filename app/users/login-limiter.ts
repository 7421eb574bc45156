import { BerthError } from '../errors';
import type { WindowCounters } from '../ports/window-counters';

export interface LoginLimiterOptions {
  /** Where failures are counted; Redis in production, so every process and restart sees them. */
  readonly counters: WindowCounters;
  /** Failed logins allowed for one user name in a window, from any address. */
  readonly maxPerUser: number;
  /** Failed logins allowed from one client address in a window, whatever the user name. */
  readonly maxPerAddress: number;
  /** Length of the fixed window that starts with the first failure. */
  readonly windowSeconds: number;
}

/**
 * Failed dashboard logins, counted per user name and per client address in fixed windows: the
 * first guards one account against guesses from many addresses, the second one address trying
 * many accounts. A success clears the user's count only, so a valid login cannot reset an
 * address that is guessing at other accounts.
 */
export class LoginLimiter {
  constructor(private readonly o: LoginLimiterOptions) {}

  /** Throws LOGIN_RATE_LIMITED while this user name or this address failed too often lately. */
  async check(address: string, user: string): Promise<void> {
    const [byUser, byAddress] = await Promise.all([this.o.counters.peek(userKey(user)), this.o.counters.peek(addressKey(address))]);
    const over = [byUser.count >= this.o.maxPerUser ? byUser : null, byAddress.count >= this.o.maxPerAddress ? byAddress : null]
      .filter((c): c is { count: number; resetsInMs: number } => c !== null);
    if (over.length === 0) return;
    const wait = Math.ceil(Math.max(...over.map((c) => c.resetsInMs)) / 1000);
    throw new BerthError('LOGIN_RATE_LIMITED', `Too many failed logins; try again in ${Math.max(wait, 1)} s.`);
  }

  async failed(address: string, user: string): Promise<void> {
    await Promise.all([
      this.o.counters.hit(userKey(user), this.o.windowSeconds),
      this.o.counters.hit(addressKey(address), this.o.windowSeconds),
    ]);
  }

  async succeeded(_address: string, user: string): Promise<void> {
    await this.o.counters.clear(userKey(user));
  }
}

// Encoded so that any user name or address (IPv6 has colons) makes one plain key.
const userKey = (user: string): string => `login-user:${encodeURIComponent(user.slice(0, 200))}`;
const addressKey = (address: string): string => `login-address:${encodeURIComponent(address)}`;
