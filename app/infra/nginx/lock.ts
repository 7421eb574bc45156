import fs from 'node:fs';
import { BerthError } from '../../errors';
import { isAlive, sleep } from './processes';

/**
 * Serializes config writes and reloads: a promise chain inside this process, and a lock file
 * (`open(…, 'wx')`) across processes — web and worker may both route apps. A lock older than
 * `staleMs`, or whose holder is dead, is broken: nginx -t plus a reload never take that long.
 */
export class ConfigLock {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly options: { readonly staleMs: number; readonly waitMs: number } = { staleMs: 30_000, waitMs: 60_000 },
  ) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(() => this.withFileLock(fn));
    // The chain continues whether or not this step failed; the caller still sees the failure.
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async withFileLock<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      fs.rmSync(this.file, { force: true });
    }
  }

  private async acquire(): Promise<void> {
    const deadline = Date.now() + this.options.waitMs;
    for (;;) {
      try {
        const fd = fs.openSync(this.file, 'wx', 0o644);
        fs.writeSync(fd, `${process.pid}\n`);
        fs.closeSync(fd);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      if (this.isStale()) {
        // Two processes breaking the same stale lock at once could both get it; that needs a
        // crashed holder plus a race of microseconds, and nginx -t would still guard the config.
        fs.rmSync(this.file, { force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        throw new BerthError('INTERNAL', `The router lock ${this.file} is still held after ${this.options.waitMs} ms.`);
      }
      await sleep(50);
    }
  }

  private isStale(): boolean {
    try {
      const st = fs.statSync(this.file);
      if (Date.now() - st.mtimeMs > this.options.staleMs) return true;
      const holder = Number(fs.readFileSync(this.file, 'utf8').trim());
      // An empty file is one being written right now, not a dead holder.
      return Number.isInteger(holder) && holder > 0 && !isAlive(holder);
    } catch {
      return false; // gone already: the next open will tell
    }
  }
}
