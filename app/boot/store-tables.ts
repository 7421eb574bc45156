import type { Store } from '../ports/store';

/**
 * The tables one module owns, cut out of the one Store: each domain service receives its own
 * (and the store's transaction), never the whole Store, and reads other modules' data through
 * their services (test/unit/module-stores.test.ts).
 */
export function tablesOf<K extends Exclude<keyof Store, 'transaction' | 'close'>>(store: Store, ...keys: K[]): Pick<Store, K | 'transaction'> {
  const out: Partial<Record<keyof Store, unknown>> = { transaction: <T>(fn: () => T): T => store.transaction(fn) };
  for (const k of keys) out[k] = store[k];
  return out as Pick<Store, K | 'transaction'>;
}
