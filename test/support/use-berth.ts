import { startBerth, type BerthProcess } from './berth-process';
import { requireBerthStack } from './requirements';

const STARTED = Symbol('berth started');

/**
 * Whether useBerth's berth is running: an `after` hook that cleans up through it checks this, as
 * `before` may have failed before berth started. A berth from startBerth counts as started.
 */
export function isStarted(berth: BerthProcess): boolean {
  return (berth as unknown as Record<symbol, unknown>)[STARTED] !== false;
}

export interface UseBerthOptions {
  /** `web` starts the web role only (a test then starts a worker on the same home itself). */
  readonly role?: 'start' | 'web';
  /** Runs after the stack check and before berth starts (fixtures the env names, e.g. a plugins folder). */
  readonly setUp?: (this: Mocha.Context) => unknown;
}

/**
 * The berth of one describe block, the preamble every integration file repeated: `before` checks
 * the stack (Docker, Redis, nginx, the fixture image) and starts a berth with `env` on top of the
 * test defaults; `after` destroys it (its process, nginx, containers, networks, app images, home).
 *
 * Answers the berth itself, usable from the first hook on: it stands for the process started in
 * `before` (a proxy, so a file keeps writing `berth.url`, `berth.cli(...)`). Hooks run in the order
 * they are registered, so a file's own `before` that needs the berth comes after this call, and an
 * `after` that still needs it (removing an app through the API) comes before it.
 */
export function useBerth(env: Record<string, string> | (() => Record<string, string>) = {}, options: UseBerthOptions = {}): BerthProcess {
  let started: BerthProcess | null = null;
  before(async function () {
    requireBerthStack();
    await options.setUp?.call(this);
    started = await startBerth(typeof env === 'function' ? env() : env, options.role ? { role: options.role } : {});
  });
  after(async () => {
    const berth = started;
    started = null;
    await berth?.destroy();
  });
  const current = (): BerthProcess => {
    if (!started) throw new Error('useBerth: the berth is used outside its describe block\'s hooks and tests (not started, or destroyed)');
    return started;
  };
  return new Proxy({} as BerthProcess, {
    get(_target, key) {
      if (key === STARTED) return started !== null;
      const berth = current();
      const value: unknown = Reflect.get(berth, key, berth);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(berth) : value;
    },
    set(_target, key, value) { return Reflect.set(current(), key, value); },
    has(_target, key) { return Reflect.has(current(), key); },
  });
}
