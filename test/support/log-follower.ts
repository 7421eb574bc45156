import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT, type BerthProcess } from './berth-process';

/** `berth logs <args>` (e.g. `-t` to follow) running in the background; `out` is what it printed so far. */
export class Follower {
  out = '';
  private readonly child: ChildProcess;
  constructor(berth: BerthProcess, args: string[]) {
    this.child = spawn(process.execPath, [path.join(ROOT, 'dist/app/cli/main.js'), 'logs', ...args], {
      env: { ...process.env, ...berth.env, BERTH_URL: berth.url, BERTH_TOKEN: berth.token, NO_COLOR: '1' },
    });
    this.child.stdout!.on('data', (b: Buffer) => { this.out += b.toString(); });
  }
  stop(): void { this.child.kill(); }
}
