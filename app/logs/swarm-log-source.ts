import { LABEL } from '../naming/container-names';
import type { SwarmEngine, SwarmServiceInfo } from '../ports/swarm';
import { matches, matchesProcess, normalizeTime, type LogEntry, type LogFilter } from './log-entry';

/** A log entry and the task that wrote it (followers remember the last time seen per task). */
export interface TaskEntry { readonly entry: LogEntry; readonly task: string }

/**
 * The output of a swarm app's services, through the manager (which gathers it from tasks on any
 * node), each line tagged `<process>.<slot>` as local containers are `<process>.<n>`.
 */
export class SwarmLogSource {
  constructor(private readonly swarm: SwarmEngine, private readonly scope: string) {}

  /** The app's services (retiring ones too); none when this engine is in no swarm. */
  async services(app: string, filter: LogFilter): Promise<SwarmServiceInfo[]> {
    const all = await this.swarm.listServices({ [LABEL.app]: app, [LABEL.scope]: this.scope }).catch(() => [] as SwarmServiceInfo[]);
    return all.filter((s) => {
      const type = s.labels[LABEL.process] ?? 'app';
      // `web` or `web.2` both read the web service; the slot is checked per line.
      const typeOk = filter.process === undefined || matchesProcess(filter.process, type);
      return typeOk && (filter.release === undefined || s.labels[LABEL.release] === String(filter.release));
    });
  }

  /** The last `tail` lines of each task of the service (all when undefined), oldest first. */
  async tail(s: SwarmServiceInfo, o: { tail?: number; filter: LogFilter }): Promise<TaskEntry[]> {
    const raw: { at: string; taskId: string | null; text: string }[] = [];
    await this.swarm.streamServiceLogs(s.name, { follow: false, tail: o.tail, onLine: (l) => raw.push(l) }).catch(() => undefined);
    const slots = await this.slots(s);
    return raw.map((l) => this.toEntry(s, l, slots)).filter((e) => matches(e.entry, o.filter));
  }

  /** New lines of the service from `since` until the service goes or the signal aborts. */
  async follow(s: SwarmServiceInfo, o: { since?: string; signal: AbortSignal; filter: LogFilter; onEntry: (e: TaskEntry) => void }): Promise<void> {
    let slots = await this.slots(s);
    // Lines are handled in order; a task not seen yet (a restart, a scale-up) looks its slot up first.
    let chain: Promise<void> = Promise.resolve();
    await this.swarm.streamServiceLogs(s.name, {
      follow: true, since: o.since, signal: o.signal,
      onLine: (l) => {
        chain = chain.then(async () => {
          if (l.taskId && !slots.has(l.taskId)) slots = await this.slots(s);
          const e = this.toEntry(s, l, slots);
          if (matches(e.entry, o.filter)) o.onEntry(e);
        });
      },
    });
    await chain;
  }

  private async slots(s: SwarmServiceInfo): Promise<Map<string, number | null>> {
    const tasks = await this.swarm.tasks(s.name).catch(() => []);
    return new Map(tasks.map((t) => [t.id, t.slot]));
  }

  private toEntry(s: SwarmServiceInfo, l: { at: string; taskId: string | null; text: string }, slots: Map<string, number | null>): TaskEntry {
    const release = Number(s.labels[LABEL.release]);
    const slot = l.taskId ? slots.get(l.taskId) ?? null : null;
    return {
      task: `${s.id}/${l.taskId ?? ''}`,
      entry: { at: normalizeTime(l.at), tag: `${s.labels[LABEL.process] ?? 'app'}.${slot ?? '?'}`, release: Number.isInteger(release) && release > 0 ? release : null, text: l.text },
    };
  }
}
