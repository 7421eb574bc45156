import fs from 'node:fs';
import path from 'node:path';
import type { LogEntry } from './log-entry';

/** One archived line on disk (short keys: the archive is bounded by bytes). */
interface Stored {
  t: string;
  p: string;
  r: number | null;
  l: string;
  /** 1 when written as it happened (one-off output), so a follower shows it live. */
  o?: 1;
}

const toEntry = (s: Stored): LogEntry => ({ at: s.t, tag: s.p, release: s.r, text: s.l });

function parseLines(text: string): Array<Stored> {
  const out: Stored[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try { out.push(JSON.parse(line) as Stored); } catch { /* a torn line after a crash: skip it */ }
  }
  return out;
}

export interface LogArchiveOptions {
  /** `$BERTH_HOME/logs/apps`; each app gets a folder. */
  readonly dir: string;
  /** Bytes kept per app, across the current and the rotated file. */
  readonly maxBytes: number;
}

/**
 * Output of containers that are gone (retired, failed, one-offs, cron), per app, as JSON lines
 * in `current.log`; past half the budget it becomes `previous.log`, so at most `maxBytes` stay.
 * Appends are single writes with O_APPEND, so the web and worker processes can both write.
 */
export class LogArchive {
  constructor(private readonly options: LogArchiveOptions) {}

  private dirOf(app: string): string { return path.join(this.options.dir, app); }
  currentFile(app: string): string { return path.join(this.dirOf(app), 'current.log'); }
  private previousFile(app: string): string { return path.join(this.dirOf(app), 'previous.log'); }

  append(app: string, entries: readonly LogEntry[], options: { live?: boolean } = {}): void {
    if (entries.length === 0) return;
    const text = entries.map((e) => JSON.stringify({
      t: e.at, p: e.tag, r: e.release, l: e.text.slice(0, 16_384), ...(options.live ? { o: 1 } : {}),
    } satisfies Stored)).join('\n') + '\n';
    fs.mkdirSync(this.dirOf(app), { recursive: true });
    const file = this.currentFile(app);
    fs.appendFileSync(file, text);
    const size = fs.statSync(file).size;
    if (size > this.options.maxBytes / 2) fs.renameSync(file, this.previousFile(app));
  }

  /** Everything kept for the app, oldest file first. */
  read(app: string): LogEntry[] {
    const read = (f: string): Stored[] => (fs.existsSync(f) ? parseLines(fs.readFileSync(f, 'utf8')) : []);
    return [...read(this.previousFile(app)), ...read(this.currentFile(app))].map(toEntry);
  }

  remove(app: string): void {
    fs.rmSync(this.dirOf(app), { recursive: true, force: true });
  }

  /**
   * Calls onEntry for live entries appended from now on (polling: the writer may be another
   * process), until the signal aborts.
   */
  async watchLive(app: string, signal: AbortSignal, onEntry: (e: LogEntry) => void, intervalMs = 400): Promise<void> {
    const file = this.currentFile(app);
    const sizeOf = (): number => { try { return fs.statSync(file).size; } catch { return 0; } };
    let offset = sizeOf();
    let partial = '';
    while (!signal.aborted) {
      await new Promise((r) => setTimeout(r, intervalMs));
      const size = sizeOf();
      if (size < offset) { offset = 0; partial = ''; } // rotated: the new file starts empty
      if (size === offset) continue;
      const fd = fs.openSync(file, 'r');
      try {
        const buf = Buffer.alloc(size - offset);
        fs.readSync(fd, buf, 0, buf.length, offset);
        offset = size;
        const text = partial + buf.toString('utf8');
        const cut = text.lastIndexOf('\n');
        partial = text.slice(cut + 1);
        for (const s of parseLines(text.slice(0, cut + 1))) if (s.o === 1) onEntry(toEntry(s));
      } finally {
        fs.closeSync(fd);
      }
    }
  }
}
