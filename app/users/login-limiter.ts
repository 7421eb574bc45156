import { BerthError } from '../errors';
import type { WindowCounters } from '../ports/window-counters';

export interface LoginLimiterOptions {
  /** Where attempts are counted; Redis in production, so every process and restart sees them. */
  readonly counters: WindowCounters;
  /** Failed logins allowed for one user name in a window, from any address. */
  readonly maxPerUser: number;
  /** Failed logins allowed from one client address in a window, whatever the user name. */
  readonly maxPerAddress: number;
  /** Length of the fixed window that starts with the first counted attempt. */
  readonly windowSeconds: number;
}

/**
 * Failed dashboard logins, counted per user name and per client address in fixed windows: the
 * first guards one account against guesses from many addresses, the second one address trying
 * many accounts.
 *
 * An attempt is counted *before* its password is checked (`attempt`), as one atomic increment per
 * counter, and counts as a failure until it `succeeded`. Checking first and counting after a
 * failure let any number of parallel guesses through while the count was still low; now each
 * admitted attempt holds one of the `max` places, so at most `max` passwords are ever checked per
 * window. An attempt over either limit is refused without a password check, and its hits are
 * taken back: it guessed nothing, so it is not a failure. A success clears the user name's count
 * (the account's owner is back) but only takes back its own hit on the address, so a valid login
 * neither uses up an address's allowance (many users behind one NAT) nor resets an address that
 * is guessing at other accounts. The price: attempts still in flight count against the limits.
 */
export class LoginLimiter {
  constructor(private readonly o: LoginLimiterOptions) {}

  /** Counts a login attempt; throws LOGIN_RATE_LIMITED (and counts nothing) when over a limit. */
  async attempt(address: string, user: string): Promise<void> {
    const keys = [userKey(user), addressKey(address)];
    const limits = [this.o.maxPerUser, this.o.maxPerAddress];
    const counts = await Promise.all(keys.map((k) => this.o.counters.hit(k, this.o.windowSeconds)));
    const over = keys.filter((_, i) => counts[i] > limits[i]);
    if (over.length === 0) return;
    await Promise.all(keys.map((k) => this.o.counters.undo(k)));
    throw refusal(await Promise.all(over.map((k) => this.o.counters.peek(k))));
  }

  /** Whether an attempt now would be refused (counts nothing): throws LOGIN_RATE_LIMITED if so. */
  async check(address: string, user: string): Promise<void> {
    const [byUser, byAddress] = await Promise.all([this.o.counters.peek(userKey(user)), this.o.counters.peek(addressKey(address))]);
    const over = [byUser.count >= this.o.maxPerUser ? byUser : null, byAddress.count >= this.o.maxPerAddress ? byAddress : null]
      .filter((c): c is { count: number; resetsInMs: number } => c !== null);
    if (over.length > 0) throw refusal(over);
  }

  /** After an `attempt` whose password was right. */
  async succeeded(address: string, user: string): Promise<void> {
    await Promise.all([this.o.counters.clear(userKey(user)), this.o.counters.undo(addressKey(address))]);
  }
}

function refusal(windows: readonly { resetsInMs: number }[]): BerthError {
  const wait = Math.ceil(Math.max(0, ...windows.map((c) => c.resetsInMs)) / 1000);
  return new BerthError('LOGIN_RATE_LIMITED', `Too many failed logins; try again in ${Math.max(wait, 1)} s.`);
}

// Encoded so that any user name or address (IPv6 has colons) makes one plain key.
const userKey = (user: string): string => `login-user:${encodeURIComponent(user.slice(0, 200))}`;
const addressKey = (address: string): string => `login-address:${encodeURIComponent(address)}`;
