import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout}`);
  return r.stdout;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A one-line TCP forwarder (no socat on these hosts), run with node, optionally inside the namespace. */
const FORWARDER = `const net=require('net');const [lh,lp,th,tp]=process.argv.slice(1);
net.createServer((c)=>{const u=net.connect(+tp,th);c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy());}).listen(+lp,lh);`;

/**
 * A second Docker engine on this machine, as a second host would be: its own network namespace
 * joined to the host by a veth pair (host side .1, namespace side .2 of a /30), its own data-root,
 * exec-root and socket. Used to join a swarm as a worker.
 */
export class NetnsDocker {
  readonly id = crypto.randomBytes(2).toString('hex');
  readonly netns = `berth-n2-${this.id}`;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), `berth-n2-${this.id}-`));
  /** The hostname this engine reports (and joins a swarm with). */
  readonly hostname = this.netns;
  readonly hostAddr: string;
  readonly nsAddr: string;
  private readonly hostIf = `bh${this.id}`;
  private readonly forwarders: ChildProcess[] = [];

  constructor() {
    const octet = 100 + Math.floor(Math.random() * 150);
    this.hostAddr = `10.213.${octet}.1`;
    this.nsAddr = `10.213.${octet}.2`;
  }

  get socket(): string { return path.join(this.dir, 'docker.sock'); }

  /** `docker` against this engine. */
  docker(...args: string[]) {
    return spawnSync('docker', ['-H', `unix://${this.socket}`, ...args], { encoding: 'utf8' });
  }

  async start(): Promise<void> {
    this.addNetwork();
    await this.startDockerd();
  }

  /** The namespace, its veth pair and routes (once). */
  protected addNetwork(): void {
    run('ip', ['netns', 'add', this.netns]);
    run('ip', ['link', 'add', this.hostIf, 'type', 'veth', 'peer', 'name', `bn${this.id}`]);
    run('ip', ['link', 'set', `bn${this.id}`, 'netns', this.netns]);
    run('ip', ['addr', 'add', `${this.hostAddr}/30`, 'dev', this.hostIf]);
    run('ip', ['link', 'set', this.hostIf, 'up']);
    const inNs = (...args: string[]) => run('ip', ['netns', 'exec', this.netns, ...args]);
    inNs('ip', 'addr', 'add', `${this.nsAddr}/30`, 'dev', `bn${this.id}`);
    inNs('ip', 'link', 'set', `bn${this.id}`, 'up');
    inNs('ip', 'link', 'set', 'lo', 'up');
    inNs('ip', 'route', 'add', 'default', 'via', this.hostAddr);
  }

  /** Told dockerd's pid as soon as it runs (before it starts containerd): a subclass puts it in a cgroup. */
  protected adopt(_pid: number): void { /* nothing here */ }

  /** Starts dockerd on its data-root (again, after it was killed: the data-root is kept). */
  protected async startDockerd(): Promise<void> {
    fs.mkdirSync(path.join(this.dir, 'data'), { recursive: true });
    fs.mkdirSync(path.join(this.dir, 'exec'), { recursive: true });
    // nsenter, not `ip netns exec`: the latter remounts /sys, which hides the cgroup mounts dockerd needs.
    // Its own UTS namespace gives it its own hostname, so the two swarm nodes are told apart by name too.
    const log = fs.openSync(path.join(this.dir, 'dockerd.log'), 'a');
    const child = spawn('unshare', ['--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', this.hostname, 'nsenter', `--net=/var/run/netns/${this.netns}`, 'dockerd',
      '--data-root', path.join(this.dir, 'data'), '--exec-root', path.join(this.dir, 'exec'), '-H', `unix://${this.socket}`,
      '--pidfile', path.join(this.dir, 'docker.pid'), '--storage-driver', 'vfs', '--cgroup-parent', `/berth-n2-${this.id}`,
    ], { detached: true, stdio: ['ignore', log, log] });
    child.unref();
    this.adopt(child.pid!);
    for (let i = 0; i < 100; i++) {
      if (this.docker('info', '--format', '{{.ServerVersion}}').status === 0) return;
      await sleep(200);
    }
    throw new Error(`the second dockerd did not start: ${fs.readFileSync(path.join(this.dir, 'dockerd.log'), 'utf8').slice(-800)}`);
  }

  /** Starts this engine's dockerd again after stopEngine (its data-root keeps its swarm membership: a worker rejoins by itself). */
  startEngine(): Promise<void> {
    return this.startDockerd();
  }

  /** Stops this engine's dockerd (SIGTERM, as a host shutting docker down; its containers stop with it) and waits until it exited. */
  async stopEngine(): Promise<void> {
    const pidFile = path.join(this.dir, 'docker.pid');
    if (!fs.existsSync(pidFile)) return;
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    try { process.kill(pid, 'SIGTERM'); } catch { return; }
    for (let i = 0; i < 150; i++) {
      try { process.kill(pid, 0); } catch { return; }
      await sleep(200);
    }
    throw new Error(`the second dockerd (pid ${pid}) did not stop within 30 s`);
  }

  /**
   * Makes `127.0.0.1:<port>` inside the namespace reach `127.0.0.1:<port>` on the host (through the
   * veth), so an image name on berth's loopback registry means the same on both engines.
   */
  forwardLoopback(port: number): void {
    this.forwarders.push(spawn(process.execPath, ['-e', FORWARDER, this.hostAddr, String(port), '127.0.0.1', String(port)], { stdio: 'ignore' }));
    this.forwarders.push(spawn('nsenter', [`--net=/var/run/netns/${this.netns}`, process.execPath, '-e', FORWARDER, '127.0.0.1', String(port), this.hostAddr, String(port)], { stdio: 'ignore' }));
  }

  async destroy(): Promise<void> {
    for (const f of this.forwarders) f.kill();
    await this.stopEngine().catch(() => undefined);
    spawnSync('ip', ['netns', 'del', this.netns]);
    spawnSync('ip', ['link', 'del', this.hostIf]);
    // dockerd leaves a mount behind when a host-networking task ran (exec/netns/default, the host's
    // sandbox): unmounted first, or removing the directory fails with EBUSY.
    const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m) => m?.startsWith(`${this.dir}/`));
    for (const m of mounts.sort().reverse()) spawnSync('umount', ['-l', m]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
