import type { ContainerEngine, ContainerInfo } from '../ports/container-engine';
import type { DrainRecord } from '../ports/drains';
import type { Store } from '../ports/store';
import { LABEL } from '../naming/container-names';

export type Log = (line: string) => void;

export interface DrainerDeps {
  readonly store: Pick<Store, 'drains' | 'drainSettings'>;
  readonly engine: ContainerEngine;
  /** BERTH_RETIRE_WAIT and BERTH_STOP_TIMEOUT: for apps without their own (`ps:set`). */
  readonly defaults: { readonly retireWaitSeconds: number; readonly stopTimeoutSeconds: number };
  /** Called for each container once stopped, before it is removed (app/logs archives its output). */
  readonly beforeRemove?: (container: ContainerInfo) => Promise<void>;
  /** Where each retirement is recorded (`ps.retired` events). */
  readonly record?: (e: { app: string; message: string }) => void;
  /**
   * At most this many containers of one app retiring at once (BERTH_MAX_RETIRING, default 20):
   * beyond it the oldest stop draining (SIGTERM now), so restarts in a row under a long
   * retire-wait cannot pile up old containers on the host.
   */
  readonly maxRetiring?: number;
  /** How often open connections are counted; default 500 ms. Unit tests pass their own clock and sleep. */
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * After the router stopped sending it requests, a container still answers the ones it holds;
 * nginx's old workers may also be a moment from handing it one they already read. So it drains
 * for at least this long, and until two counts in a row find no open connection.
 */
const MIN_DRAIN_MS = 1000;

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Retires unrouted containers without cutting what they serve: each drains until it holds no
 * open connection (counted in its network namespace) or its app's retire-wait passes, then gets
 * SIGTERM and the app's stop-timeout before SIGKILL, and is removed. Every step is in SQLite
 * (`container_drains`), so a berth restart resumes it (`resume`, called by the reconciler).
 */
export class Drainer {
  /** Container id → its retirement running in this process. */
  private readonly running = new Map<string, Promise<void>>();
  /** Draining containers whose retire-wait was cut short (over maxRetiring): their drain ends now. */
  private readonly cut = new Map<string, string>();

  constructor(private readonly deps: DrainerDeps) {}

  private now(): number { return this.deps.now?.() ?? Date.now(); }
  private sleep(ms: number): Promise<void> { return (this.deps.sleep ?? realSleep)(ms); }

  /** The app's retire-wait and stop-timeout, its own or berth's defaults. */
  settingsOf(app: string): { retireWaitSeconds: number; stopTimeoutSeconds: number } {
    const own = this.deps.store.drainSettings.get(app);
    return {
      retireWaitSeconds: own.retireWaitSeconds ?? this.deps.defaults.retireWaitSeconds,
      stopTimeoutSeconds: own.stopTimeoutSeconds ?? this.deps.defaults.stopTimeoutSeconds,
    };
  }

  isDraining(id: string): boolean {
    return this.running.has(id) || this.deps.store.drains.has(id);
  }

  draining(app?: string): DrainRecord[] {
    return this.deps.store.drains.list(app);
  }

  /**
   * Records and starts the retirement of containers the router no longer sends requests to.
   * `port`: the port they served (null: nothing routed to them, so SIGTERM at once). Resolves
   * when all are removed; callers that must not wait (a push) ignore the promise.
   */
  retire(containers: readonly ContainerInfo[], o: { port: (c: ContainerInfo) => number | null; log: Log }): Promise<void> {
    const fresh = containers.filter((c) => !this.running.has(c.id));
    if (fresh.length > 0) {
      const app = fresh[0].labels[LABEL.app] ?? '';
      const s = this.settingsOf(app);
      const since = new Date(this.now()).toISOString();
      this.deps.store.drains.add(fresh.map((c) => ({
        containerId: c.id, app: c.labels[LABEL.app] ?? app, name: c.name, port: o.port(c),
        retireWaitSeconds: s.retireWaitSeconds, stopTimeoutSeconds: s.stopTimeoutSeconds, since,
      })));
      const routed = fresh.some((c) => o.port(c) !== null) && s.retireWaitSeconds > 0;
      o.log(`-----> Retiring ${plural(fresh.length, 'old container')}: ${routed ? `each drains its open connections (at most ${s.retireWaitSeconds} s), then ` : ''}SIGTERM, SIGKILL after ${s.stopTimeoutSeconds} s`);
      this.capRetiring(app, o.log);
    }
    const rows = new Map(this.deps.store.drains.list().map((r) => [r.containerId, r]));
    return Promise.all(containers.map((c) => {
      const row = rows.get(c.id);
      return row ? this.start(row) : this.running.get(c.id) ?? Promise.resolve();
    })).then(() => undefined);
  }

  /** The oldest retiring containers of an app beyond maxRetiring stop draining; those already stopping are killed. */
  private capRetiring(app: string, log: Log): void {
    const max = this.deps.maxRetiring ?? 20;
    const all = this.deps.store.drains.list(app);
    const over = all.slice(0, Math.max(0, all.length - max));
    if (over.length === 0) return;
    const why = `cut short: ${app} had more than ${plural(max, 'old container')} retiring (BERTH_MAX_RETIRING)`;
    log(`       ${app} has ${plural(all.length, 'old container')} retiring, at most ${max}: the oldest ${over.length} stop now`);
    for (const row of over) {
      if (row.phase === 'draining') this.cut.set(row.containerId, why);
      else void this.deps.engine.stopContainer(row.containerId, 0).catch(() => undefined);
    }
  }

  /** Starts every recorded retirement this process is not running (after a restart); returns how many. */
  resume(): number {
    let n = 0;
    for (const row of this.deps.store.drains.list()) {
      if (this.running.has(row.containerId)) continue;
      void this.start(row);
      n++;
    }
    return n;
  }

  /** Resolves when every retirement running in this process has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  /** Forgets containers removed by other means (app destroyed): their retirements end quietly. */
  forget(ids: readonly string[]): void {
    for (const id of ids) this.deps.store.drains.remove(id);
  }

  private start(row: DrainRecord): Promise<void> {
    const existing = this.running.get(row.containerId);
    if (existing) return existing;
    // Never rejects: callers do not wait (a push), and a rejection nobody handles ends the process.
    const done = this.run(row).catch((e: Error) => {
      // Left in the table: the reconciler's next pass tries again.
      this.note(row.app, `${row.name}: retiring failed (${e.message}); the reconciler tries again`);
    }).finally(() => { this.running.delete(row.containerId); this.cut.delete(row.containerId); });
    this.running.set(row.containerId, done);
    return done;
  }

  private async run(row: DrainRecord): Promise<void> {
    const { store, engine } = this.deps;
    const drained = row.phase === 'draining' ? await this.drain(row) : 'SIGTERM was sent before a restart of berth';
    if (!store.drains.has(row.containerId)) return;
    const before = await engine.inspectContainer(row.containerId);
    let stopped: string;
    if (!before) {
      stopped = 'it was already gone';
    } else if (before.state !== 'running' && before.state !== 'restarting' && before.state !== 'paused') {
      stopped = `it had already exited (code ${before.exitCode ?? '?'})`;
    } else {
      const startedAt = row.phase === 'stopping' && row.stoppingAt ? Date.parse(row.stoppingAt) : this.now();
      if (row.phase === 'draining') store.drains.markStopping(row.containerId, new Date(startedAt).toISOString());
      const left = Math.max(0, Math.ceil(row.stopTimeoutSeconds - (this.now() - startedAt) / 1000));
      await engine.stopContainer(row.containerId, left);
      const after = await engine.inspectContainer(row.containerId);
      const secs = ((this.now() - startedAt) / 1000).toFixed(1);
      stopped = after?.exitCode === 137
        ? `it ignored SIGTERM and was killed at its stop-timeout (${row.stopTimeoutSeconds} s)`
        : `it exited on SIGTERM after ${secs} s (code ${after?.exitCode ?? '?'})`;
    }
    if (before) await this.deps.beforeRemove?.(before).catch(() => undefined);
    await engine.removeContainer(row.containerId);
    store.drains.remove(row.containerId);
    this.note(row.app, `${row.name} retired: ${drained}; ${stopped}`);
  }

  private note(app: string, message: string): void {
    try {
      this.deps.record?.({ app, message });
    } catch (e) {
      console.error(`berth: ${message} (not recorded: ${(e as Error).message})`);
    }
  }

  /** Waits for the container's open connections to end, or the retire-wait; says which. */
  private async drain(row: DrainRecord): Promise<string> {
    const since = Date.parse(row.since);
    const deadline = since + row.retireWaitSeconds * 1000;
    if (row.port === null || row.retireWaitSeconds === 0) return 'nothing routed to it';
    let zeros = 0;
    let last: number | null = null;
    for (;;) {
      if (!this.deps.store.drains.has(row.containerId)) return 'forgotten';
      const cut = this.cut.get(row.containerId);
      if (cut) return cut;
      const n = await this.deps.engine.connectionsTo(row.containerId, row.port).catch(() => null);
      if (n === null) {
        const c = await this.deps.engine.inspectContainer(row.containerId).catch(() => null);
        if (c?.state !== 'running') return 'it no longer ran';
        // Running but its connections cannot be read (no access to /proc): the full retire-wait.
        if (this.now() >= deadline) return `its connections could not be counted; the retire-wait (${row.retireWaitSeconds} s) passed`;
      } else {
        last = n;
        zeros = n === 0 ? zeros + 1 : 0;
        const secs = ((this.now() - since) / 1000).toFixed(1);
        if (zeros >= 2 && this.now() - since >= MIN_DRAIN_MS) return `no open connection left after ${secs} s`;
        if (this.now() >= deadline) return `the retire-wait (${row.retireWaitSeconds} s) passed with ${plural(last, 'open connection')}`;
      }
      await this.sleep(Math.max(0, Math.min(this.deps.pollMs ?? 500, deadline - this.now())));
    }
  }
}
