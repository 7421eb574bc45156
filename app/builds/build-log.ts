import fs from 'node:fs';
import path from 'node:path';
import type { LogBus } from '../ports/log-bus';

/** One build's log: live on the bus for followers, and kept in a file for `builds:log` later. */
export class BuildLog {
  private readonly file: string;
  private pending: Promise<void> = Promise.resolve();
  /** Config values never written to the log or the bus (replaced by *****). */
  private secrets: string[] = [];

  constructor(private readonly bus: LogBus, dir: string, private readonly buildId: number) {
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `${buildId}.log`);
  }

  static fileOf(dir: string, buildId: number): string {
    return path.join(dir, `${buildId}.log`);
  }

  /**
   * Hides these values from every later line. Values shorter than 4 characters (`1`, `on`)
   * are left alone: masking them would garble the log and they guard nothing.
   */
  hide(values: readonly string[]): void {
    this.secrets = [...new Set(values.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
  }

  /** Appends in order without making every caller await. */
  readonly line = (text: string): void => {
    for (const raw of text.split('\n')) {
      let l = raw;
      for (const s of this.secrets) if (l.includes(s)) l = l.split(s).join('*****');
      fs.appendFileSync(this.file, `${l}\n`);
      this.pending = this.pending.then(() => this.bus.append(this.buildId, l)).catch(() => undefined);
    }
  };

  async end(outcome: 'succeeded' | 'failed' | 'cancelled'): Promise<void> {
    await this.pending;
    await this.bus.end(this.buildId, outcome);
  }
}
