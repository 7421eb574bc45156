import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../support/poll';

/**
 * A redis-server of the test's own on a loopback port (installed by deploy/install.sh, like the
 * machine's), so a fault test can stop Redis without stopping the one every other test shares.
 * Append-only on in its own directory: a shutdown saves, and the restart reads the data back,
 * as the machine's Redis does.
 */
export class OwnRedis {
  private child: ChildProcess | null = null;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-own-redis-'));

  private constructor(readonly port: number) {}

  get url(): string { return `redis://127.0.0.1:${this.port}`; }

  static async start(): Promise<OwnRedis> {
    const port = await freePort();
    const r = new OwnRedis(port);
    await r.up();
    return r;
  }

  /** Starts redis-server (again) on the same port and directory; returns once it answers PING. */
  async up(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir,
      '--appendonly', 'yes', '--save', '', '--daemonize', 'no', '--logfile', path.join(this.dir, 'redis.log')], { stdio: 'ignore' });
    await waitFor(`redis-server on ${this.port} to answer`, () => this.ping(), 30_000);
  }

  /** `redis-cli shutdown` (it saves) and waits until the process is gone and the port refuses. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    spawnSync('redis-cli', ['-p', String(this.port), 'shutdown'], { encoding: 'utf8', timeout: 30_000 });
    await waitFor(`redis-server on ${this.port} to exit`, () => child.exitCode !== null || child.signalCode !== null, 30_000);
    this.child = null;
    await waitFor(`port ${this.port} to refuse`, async () => !(await this.ping()), 10_000);
  }

  /** Kills the server (if up) and removes its directory. */
  async destroy(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await waitFor('redis-server to be killed', () => child.exitCode !== null || child.signalCode !== null, 10_000);
    }
    this.child = null;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  ping(): boolean {
    return spawnSync('redis-cli', ['-p', String(this.port), 'ping'], { encoding: 'utf8', timeout: 5000 }).stdout?.trim() === 'PONG';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}
