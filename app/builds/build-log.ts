import fs from 'node:fs';
import path from 'node:path';
import type { LogBus } from '../ports/log-bus';

/** One build's log: live on the bus for followers, and kept in a file for `builds:log` later. */
export class BuildLog {
  private readonly file: string;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly bus: LogBus, dir: string, private readonly buildId: number) {
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `${buildId}.log`);
  }

  static fileOf(dir: string, buildId: number): string {
    return path.join(dir, `${buildId}.log`);
  }

  /** Appends in order without making every caller await. */
  readonly line = (text: string): void => {
    for (const l of text.split('\n')) {
      fs.appendFileSync(this.file, `${l}\n`);
      this.pending = this.pending.then(() => this.bus.append(this.buildId, l)).catch(() => undefined);
    }
  };

  async end(outcome: 'succeeded' | 'failed' | 'cancelled'): Promise<void> {
    await this.pending;
    await this.bus.end(this.buildId, outcome);
  }
}
