import type { ContainerEngine } from '../ports/container-engine';
import type { DeployWatchRecord, DeployWatchesStore } from '../ports/deploy-watches';
import type { ReleasesReader } from '../releases/releases-reader';
import type { Deployer } from './deployer';
import { LABEL } from '../naming/container-names';
import type { DeployWatchSettings, WatchSettings } from './deploy-watch-settings';
import { RepeatingPass } from '../processes/repeating-pass';

/** What the watch saw of a release since it went live. */
export interface WatchSignals {
  /** Restarts docker's restart policy made, summed over the release's containers. */
  readonly restarts: number;
  /** The release's containers found exited or dead (a policy that does not restart them). */
  readonly down: number;
  /** Containers the liveness monitor restarted (its `ps.unhealthy` events). */
  readonly unhealthy: number;
  /** Router answers of the app, and how many were 5xx. */
  readonly requests: number;
  readonly s5xx: number;
}

/** A watch that breached, as the alert tells it. */
export interface WatchBreach {
  readonly app: string;
  readonly release: number;
  /** The release it rolls back to; null when it does not (watch only, or nothing to go back to). */
  readonly rollbackTo: number | null;
  readonly reason: string;
  /** The event's text: reason, when, and what berth did. */
  readonly message: string;
}

export interface DeployWatchDeps {
  /** The watches' own table; the only one the watch is handed. */
  readonly watches: DeployWatchesStore;
  /** The app's `deploy-watch:set` settings, through their service (table deploy_settings is read there). */
  readonly settings: Pick<DeployWatchSettings, 'of'>;
  readonly releases: Pick<ReleasesReader, 'current' | 'get'>;
  /** The app's containers on this host (docker-local; a swarm app's tasks are swarm's). */
  readonly deployer: Pick<Deployer, 'containersOf'>;
  readonly engine: Pick<ContainerEngine, 'inspectContainer'>;
  /** Liveness restarts (`ps.unhealthy` events) of the app since an ISO time. */
  readonly unhealthySince: (app: string, since: string) => number;
  /** The router's answers for the app since a time (ms), from the metrics history. */
  readonly requestsSince: (app: string, sinceMs: number) => { readonly requests: number; readonly s5xx: number };
  /** Queues the rollback to `to`, which runs only while `whileCurrent` is still live; answers the build id. */
  readonly rollback: (app: string, to: number, whileCurrent: number) => Promise<number>;
  readonly events: { record(e: { app: string; kind: 'deploy.unhealthy'; message: string; user: null }): unknown };
  /** The alert (app/notifications' `deploy.unhealthy`); must not throw or wait. */
  readonly onBreach?: (breach: WatchBreach) => void;
  /** How often active watches are looked at (ms); default 5 s. */
  readonly tickMs?: number;
  readonly now?: () => number;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The first signal over its limit, said with its numbers; null while the release looks healthy. */
export function breachOf(s: WatchSignals, limits: WatchSettings): string | null {
  const crashes = s.restarts + s.down;
  if (crashes >= limits.restarts) {
    return `crash loop: ${plural(s.restarts, 'restart')} of its containers${s.down ? ` and ${s.down} down` : ''} (limit ${limits.restarts})`;
  }
  if (s.unhealthy >= limits.unhealthy) return `failing liveness checks: ${plural(s.unhealthy, 'container')} restarted by the liveness monitor (limit ${limits.unhealthy})`;
  if (s.requests > 0 && s.requests >= limits.minRequests && s.s5xx / s.requests > limits.errorRate) {
    const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
    return `5xx rate ${pct(s.s5xx / s.requests)}: ${s.s5xx} of ${plural(s.requests, 'request')} (limit ${pct(limits.errorRate)} of at least ${limits.minRequests})`;
  }
  return null;
}

/**
 * Watches each release for a window after its deploy (issue 28): crash loops, liveness restarts,
 * the router's 5xx rate. On a breach it rolls back to the release before (or, set to `watch`, only
 * alerts), records why, and alerts. Watches are rows in SQLite, so a berth restart resumes them;
 * a row leaves `watching` once, by a check-and-set, so one breach never rolls back twice.
 */
export class DeployWatch {
  private readonly passes = new RepeatingPass<void>(() => this.runPass());
  private log: (line: string) => void = () => undefined;

  constructor(private readonly deps: DeployWatchDeps) {}

  private now(): number { return this.deps.now?.() ?? Date.now(); }

  /**
   * Called in the go-live transaction of every deploy: the release it replaced is no longer
   * watched, and the new one is, unless it is a rollback (the way out is not rolled back in turn).
   */
  begin(live: { app: string; version: number }, o: { previous: number | null; kind: string }): void {
    const at = new Date(this.now()).toISOString();
    for (const w of this.deps.watches.active()) {
      if (w.app === live.app && w.version !== live.version) {
        this.deps.watches.finish(w.app, w.version, 'replaced', `v${live.version} replaced it (${o.kind})`, at);
      }
    }
    if (o.kind === 'rollback') return;
    const settings = this.deps.settings.of(live.app);
    if (settings.window === 0) return;
    this.deps.watches.put({
      app: live.app, version: live.version, previous: o.previous, action: settings.action,
      startedAt: at, endsAt: new Date(this.now() + settings.window * 1000).toISOString(),
    });
  }

  /** The app's recent watches, newest release first. */
  list(app: string, limit = 20): DeployWatchRecord[] {
    return this.deps.watches.list(app, limit);
  }

  start(log: (line: string) => void): void {
    this.log = log;
    this.passes.start(this.deps.tickMs ?? 5000, (e) => this.log(`deploy watch: ${e.message}`));
  }

  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** One look at every active watch; concurrent callers share the pass in progress. */
  pass(): Promise<void> {
    return this.passes.pass();
  }

  private async runPass(): Promise<void> {
    for (const w of this.deps.watches.active()) {
      try {
        await this.look(w);
      } catch (e) {
        this.log(`deploy watch ${w.app} v${w.version}: ${(e as Error).message}`);
      }
    }
  }

  private async look(w: DeployWatchRecord): Promise<void> {
    const at = () => new Date(this.now()).toISOString();
    const current = this.deps.releases.current(w.app);
    if (current?.version !== w.version) {
      // A deploy that went live without begin() (another berth version): the watch is over all the same.
      this.deps.watches.finish(w.app, w.version, 'replaced', current ? `v${current.version} replaced it` : 'the app has no release', at());
      return;
    }
    const settings = this.deps.settings.of(w.app);
    const reason = breachOf(await this.signals(w), settings);
    if (reason) return this.breach(w, settings, reason);
    if (this.now() >= Date.parse(w.endsAt)) this.deps.watches.finish(w.app, w.version, 'passed', null, at());
  }

  async signals(w: DeployWatchRecord): Promise<WatchSignals> {
    const since = Date.parse(w.startedAt);
    let restarts = 0;
    let down = 0;
    for (const listed of await this.deps.deployer.containersOf(w.app)) {
      if (listed.labels[LABEL.release] !== String(w.version)) continue;
      const c = (await this.deps.engine.inspectContainer(listed.id).catch(() => null)) ?? listed;
      restarts += c.restartCount ?? 0;
      if (c.state === 'exited' || c.state === 'dead') down++;
    }
    const requests = this.deps.requestsSince(w.app, since);
    return { restarts, down, unhealthy: this.deps.unhealthySince(w.app, w.startedAt), requests: requests.requests, s5xx: requests.s5xx };
  }

  private async breach(w: DeployWatchRecord, settings: WatchSettings, reason: string): Promise<void> {
    const after = `${Math.round((this.now() - Date.parse(w.startedAt)) / 1000)} s after its deploy`;
    const canRollBack = settings.action === 'rollback' && w.previous !== null && this.deps.releases.get(w.app, w.previous) !== null;
    const status = canRollBack ? 'rolled-back' : 'alerted';
    // The one check-and-set: whoever moves the row out of `watching` acts; nobody else does.
    if (!this.deps.watches.finish(w.app, w.version, status, reason, new Date(this.now()).toISOString())) return;
    const what = canRollBack ? `rolling back to v${w.previous}`
      : settings.action === 'watch' ? 'not rolled back (deploy-watch action: watch)' : 'not rolled back (no release before it)';
    let message = `v${w.version} unhealthy ${after}: ${reason}; ${what}`;
    let rollbackTo = canRollBack ? w.previous : null;
    if (canRollBack) {
      try {
        const build = await this.deps.rollback(w.app, w.previous!, w.version);
        message += ` (build ${build})`;
      } catch (e) {
        message = `v${w.version} unhealthy ${after}: ${reason}; the rollback to v${w.previous} could not be queued: ${(e as Error).message}`;
        rollbackTo = null;
        this.deps.watches.amend(w.app, w.version, 'alerted', reason, new Date(this.now()).toISOString());
      }
    }
    this.log(`${w.app}: ${message}`);
    this.deps.events.record({ app: w.app, kind: 'deploy.unhealthy', message, user: null });
    try {
      this.deps.onBreach?.({ app: w.app, release: w.version, rollbackTo, reason, message });
    } catch {
      // The alert only queues; whatever goes wrong there must not undo what was done here.
    }
  }
}
