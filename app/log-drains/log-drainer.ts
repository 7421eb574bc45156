import type { LogsService } from '../logs';
import { nowTime } from '../logs/log-entry';
import type { DrainConnector, LogDrainRecord, LogDrainsStore } from '../ports/log-drains';
import { DrainSink, type DrainStatus } from './drain-sink';

export interface LogDrainerDeps {
  readonly store: Pick<LogDrainsStore, 'list'>;
  readonly logs: Pick<LogsService, 'follow'>;
  readonly appNames: () => string[];
  readonly connector: DrainConnector;
  /** berth's own ports on this host (no drain may point there). */
  readonly ownPorts: ReadonlySet<number>;
  /** Lines each drain holds (BERTH_LOG_DRAIN_BUFFER). */
  readonly capacity: number;
  /** How often the drain list is read again (drains added, apps created). Default 2000 ms. */
  readonly syncMs?: number;
}

/**
 * Forwards app output to the drains (runs in the web process, beside the stats sampler): one
 * follower per app that has a drain (every app when there is a global one), the same stream
 * `berth logs -t` reads, fanned out to each drain's sink. Lines written before a follower started
 * are not sent (a restart of berth does not send an app's history again).
 */
export class LogDrainer {
  private readonly sinks = new Map<number, DrainSink>();
  private readonly followers = new Map<string, AbortController>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: LogDrainerDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sync(), this.deps.syncMs ?? 2000);
    this.timer.unref();
    this.sync();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const f of this.followers.values()) f.abort();
    this.followers.clear();
    for (const s of this.sinks.values()) s.stop();
    this.sinks.clear();
  }

  /** A drain's delivery status; null when this process does not run it (yet). */
  status(id: number): DrainStatus | null {
    return this.sinks.get(id)?.status() ?? null;
  }

  /** Brings sinks and followers in line with the drains table; called on a timer and after a change. */
  sync(): void {
    if (!this.timer) return;
    const drains = this.deps.store.list();
    const ids = new Set(drains.map((d) => d.id));
    for (const [id, sink] of this.sinks) if (!ids.has(id)) { sink.stop(); this.sinks.delete(id); }
    for (const d of drains) if (!this.sinks.has(d.id)) this.open(d);
    const apps = drains.some((d) => d.app === null) ? new Set(this.deps.appNames()) : new Set(drains.map((d) => d.app!));
    for (const [app, f] of this.followers) if (!apps.has(app)) { f.abort(); this.followers.delete(app); }
    for (const app of apps) if (!this.followers.has(app)) this.follow(app);
  }

  private open(d: LogDrainRecord): void {
    const sink = new DrainSink(d, { connector: this.deps.connector, rule: { privileged: d.privileged, ownPorts: this.deps.ownPorts }, capacity: this.deps.capacity });
    this.sinks.set(d.id, sink);
    void sink.run();
  }

  private follow(app: string): void {
    const abort = new AbortController();
    this.followers.set(app, abort);
    const from = nowTime();
    void this.deps.logs.follow(app, { tail: 1, signal: abort.signal }, (e) => {
      if (e.at < from) return;
      const line = { at: e.at, app, tag: e.tag, release: e.release, text: e.text };
      for (const sink of this.sinks.values()) if (sink.record.app === null || sink.record.app === app) sink.push(line);
    }).catch(() => undefined).finally(() => {
      // Ended (the app went, or docker failed): the next sync starts it again if still wanted.
      if (this.followers.get(app) === abort) this.followers.delete(app);
    });
  }
}
