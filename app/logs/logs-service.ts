import type { ContainerEngine, ContainerInfo } from '../ports/container-engine';
import type { SwarmEngine, SwarmServiceInfo } from '../ports/swarm';
import { LABEL } from '../naming/container-names';
import type { LogArchive } from './log-archive';
import { SwarmLogSource, type TaskEntry } from './swarm-log-source';
import {
  LineSplitter, matches, normalizeTime, nowTime, releaseOf, tagOf, type LogEntry, type LogFilter,
} from './log-entry';

export interface LogsServiceDeps {
  readonly engine: ContainerEngine;
  readonly archive: LogArchive;
  /** The `berth.scope` of the app containers (the docker network). */
  readonly scope: string;
  /** How often a follower looks for new containers (deploys, restarts). Default 1000 ms. */
  readonly pollMs?: number;
  /** Swarm apps' services (`berth.scope=<scope>-swarm`), read through the manager. */
  readonly swarm?: SwarmEngine;
}

export interface RecentOptions extends LogFilter {
  /** Last N lines over all sources. */
  readonly tail: number;
}

export interface FollowOptions extends RecentOptions {
  readonly signal: AbortSignal;
}

/** Lines an archived container keeps at most (its json-file log is bounded anyway). */
const ARCHIVE_LINES = 20_000;

const keyOf = (e: LogEntry): string => `${e.at}\u0000${e.tag}\u0000${e.text}`;

/**
 * An app's output: live containers' docker logs merged with the archive of gone ones, by time,
 * each line tagged `<process>.<n>`. `follow` is the one stream the CLI and dashboard both use.
 */
export class LogsService {
  private readonly swarm: SwarmLogSource | null;

  constructor(private readonly deps: LogsServiceDeps) {
    this.swarm = deps.swarm ? new SwarmLogSource(deps.swarm, `${deps.scope}-swarm`) : null;
  }

  private services(app: string, filter: LogFilter): Promise<SwarmServiceInfo[]> {
    return this.swarm ? this.swarm.services(app, filter) : Promise.resolve([]);
  }

  /** Every container of the app on this berth (retiring ones too: they still have output). */
  private async containers(app: string, filter: LogFilter): Promise<ContainerInfo[]> {
    const all = await this.deps.engine.listContainers({ labels: { [LABEL.app]: app, [LABEL.scope]: this.deps.scope } });
    return all.filter((c) => matches({ tag: tagOf(c), release: releaseOf(c) }, filter));
  }

  private async tailOf(c: ContainerInfo, tail: number | undefined, since?: string): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    const tag = tagOf(c);
    const release = releaseOf(c);
    await this.deps.engine.streamLogs(c.id, {
      follow: false, tail, since, onLine: (l) => out.push({ at: normalizeTime(l.at), tag, release, text: l.text }),
    }).catch(() => undefined); // removed meanwhile: its lines are in the archive
    return out;
  }

  /** The last `tail` lines, oldest first. */
  async recent(app: string, o: RecentOptions): Promise<LogEntry[]> {
    return (await this.snapshot(app, o)).entries;
  }

  private async snapshot(app: string, o: RecentOptions): Promise<{ entries: LogEntry[]; seen: Map<string, string> }> {
    const containers = await this.containers(app, o);
    const seen = new Map<string, string>();
    const live = await Promise.all(containers.map(async (c) => {
      const lines = await this.tailOf(c, o.tail);
      seen.set(c.id, lines.at(-1)?.at ?? '');
      return lines;
    }));
    const tasks = await Promise.all((await this.services(app, o)).map((s) => this.swarm!.tail(s, { tail: o.tail, filter: o })));
    for (const t of tasks.flat()) if ((seen.get(t.task) ?? '') < t.entry.at) seen.set(t.task, t.entry.at);
    const archived = this.deps.archive.read(app).filter((e) => matches(e, o));
    const all = [...archived, ...live.flat(), ...tasks.flat().map((t) => t.entry)].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    // A container archived just before its removal may still be listed: show its lines once.
    const unique = new Set<string>();
    const entries = all.filter((e) => { const k = keyOf(e); if (unique.has(k)) return false; unique.add(k); return true; });
    return { entries: entries.slice(-o.tail), seen };
  }

  /**
   * The last `tail` lines, then new ones as they come until the signal aborts: from running
   * containers, containers that start later (a deploy, a restart), and one-offs and cron runs.
   */
  async follow(app: string, o: FollowOptions, onEntry: (e: LogEntry) => void): Promise<void> {
    const { entries, seen } = await this.snapshot(app, o);
    entries.forEach(onEntry);
    const streaming = new Set<string>();
    const archiveWatch = this.deps.archive.watchLive(app, o.signal, (e) => { if (matches(e, o)) onEntry(e); });

    const attach = (c: ContainerInfo): void => {
      streaming.add(c.id);
      const after = seen.get(c.id) ?? '';
      const tag = tagOf(c);
      const release = releaseOf(c);
      void this.deps.engine.streamLogs(c.id, {
        follow: true,
        since: after || undefined,
        signal: o.signal,
        onLine: (l) => {
          const at = normalizeTime(l.at);
          if (at <= after || at <= (seen.get(c.id) ?? '')) return;
          seen.set(c.id, at);
          onEntry({ at, tag, release, text: l.text });
        },
      }).catch(() => undefined).finally(() => streaming.delete(c.id));
    };

    // A swarm service: one stream for all its tasks; lines are new per task (tasks' clocks interleave).
    const attachService = (s: SwarmServiceInfo): void => {
      streaming.add(s.id);
      const lastOf = [...seen].filter(([k]) => k.startsWith(`${s.id}/`)).map(([, at]) => at).sort();
      const onTaskEntry = (t: TaskEntry): void => {
        if (t.entry.at <= (seen.get(t.task) ?? '')) return;
        seen.set(t.task, t.entry.at);
        onEntry(t.entry);
      };
      void this.swarm!.follow(s, { since: lastOf[0] || undefined, signal: o.signal, filter: o, onEntry: onTaskEntry })
        .catch(() => undefined).finally(() => streaming.delete(s.id));
    };

    while (!o.signal.aborted) {
      const containers = await this.containers(app, o).catch(() => [] as ContainerInfo[]);
      for (const c of containers) {
        if (!streaming.has(c.id) && (c.state === 'running' || c.state === 'restarting')) attach(c);
      }
      for (const s of await this.services(app, o)) if (!streaming.has(s.id)) attachService(s);
      await new Promise((r) => setTimeout(r, this.deps.pollMs ?? 1000));
    }
    await archiveWatch;
  }

  /** Keeps a container's output before it is removed (retired, failed deploy), tagged with its release. */
  async archiveContainer(c: ContainerInfo): Promise<void> {
    const app = c.labels[LABEL.app];
    if (!app) return;
    this.deps.archive.append(app, await this.tailOf(c, ARCHIVE_LINES));
  }

  /** Keeps a swarm service's output before it is removed (a deploy retired it, or it failed). */
  async archiveService(s: SwarmServiceInfo): Promise<void> {
    const app = s.labels[LABEL.app];
    if (!app || !this.swarm) return;
    this.deps.archive.append(app, (await this.swarm.tail(s, { tail: ARCHIVE_LINES, filter: {} })).map((t) => t.entry));
  }

  /**
   * A line sink for one-off output (run, cron, deploy scripts): lines go to the archive as they
   * are written, so followers see them live. Call `flush` at the end.
   */
  oneOffWriter(app: string, tag: string, release: number | null): LineSplitter {
    return new LineSplitter((lines) => {
      const at = nowTime();
      this.deps.archive.append(app, lines.map((text) => ({ at, tag, release, text })), { live: true });
    });
  }

  forget(app: string): void {
    this.deps.archive.remove(app);
  }
}

