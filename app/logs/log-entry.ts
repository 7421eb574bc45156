import type { ContainerInfo } from '../ports/container-engine';
import { LABEL } from '../naming/container-names';

/** One line of an app's output, from a live container or the archive. */
export interface LogEntry {
  /** RFC 3339 UTC with exactly 9 fraction digits, so entries sort as strings. */
  readonly at: string;
  /** `<process>.<n>` (`web.1`), or the one-off's tag (`run.ab12cd`, `cron.backup`). */
  readonly tag: string;
  /** Release version that wrote it, when known. */
  readonly release: number | null;
  readonly text: string;
}

export interface LogFilter {
  /** `web` matches `web.1`, `web.2`; `web.2` only itself. */
  readonly process?: string;
  readonly release?: number;
}

/** Pads (or cuts) the fraction to nanoseconds: docker drops trailing zeros, Date has milliseconds. */
export function normalizeTime(at: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(at);
  if (!m) return at;
  if (m[3] !== 'Z') return normalizeTime(new Date(at).toISOString());
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}Z`;
}

export const nowTime = (): string => normalizeTime(new Date().toISOString());

/** `berth.<app>.<process>.<n>.<deploy>` → `<process>.<n>`; else the process label and 1. */
export function tagOf(c: Pick<ContainerInfo, 'name' | 'labels'>): string {
  const parts = c.name.replace(/^\//, '').split('.');
  if (parts.length >= 4 && parts[0] === 'berth') return `${parts[2]}.${parts[3]}`;
  return `${c.labels[LABEL.process] ?? 'app'}.1`;
}

export function releaseOf(c: Pick<ContainerInfo, 'labels'>): number | null {
  const n = Number(c.labels[LABEL.release]);
  return Number.isInteger(n) && n > 0 ? n : null;
}

export function matchesProcess(tag: string, process: string | undefined): boolean {
  return process === undefined || tag === process || tag.startsWith(`${process}.`);
}

export function matches(entry: Pick<LogEntry, 'tag' | 'release'>, filter: LogFilter): boolean {
  return matchesProcess(entry.tag, filter.process) && (filter.release === undefined || entry.release === filter.release);
}

/** How `berth logs` prints an entry. */
export const formatEntry = (e: LogEntry): string => `${e.tag} | ${e.text}`;

/** Splits output chunks into whole lines, keeping a partial last line for the next chunk. */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLines: (lines: string[]) => void) {}

  push(chunk: Buffer | string): void {
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = lines.pop() ?? '';
    if (lines.length) this.onLines(lines.map((l) => l.replace(/\r$/, '')));
  }

  flush(): void {
    if (this.partial) this.onLines([this.partial]);
    this.partial = '';
  }
}
