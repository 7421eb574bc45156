import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { NetnsDocker } from './netns-docker';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A whole host to power off: a NetnsDocker whose dockerd, containerd, shims and containers, and
 * every daemon started with `spawnDaemon` (redis, berth and the nginx berth starts), share one
 * freezer cgroup (containers by dockerd's --cgroup-parent). `powerOff()` freezes that cgroup and
 * SIGKILLs everything in it, as losing power would: nobody gets to clean up. The machine's own
 * dockerd, Redis and nginx are never touched.
 */
export class NetnsHost extends NetnsDocker {
  /** The freezer cgroup (v1) of everything on this host; dockerd names it as its --cgroup-parent. */
  readonly cgroup = `/sys/fs/cgroup/freezer/berth-n2-${this.id}`;

  /** This host's kernel boot id (BERTH_BOOT_ID_FILE): a new one each boot. */
  get bootIdFile(): string { return path.join(this.dir, 'boot_id'); }

  async boot(): Promise<void> {
    fs.writeFileSync(this.bootIdFile, `${crypto.randomUUID()}\n`);
    fs.mkdirSync(this.cgroup, { recursive: true });
    this.addNetwork();
    await this.startDockerd();
  }

  /** dockerd starts again after a power-off on the same data-root (the disk survives). */
  async startDockerdAgain(): Promise<void> { await this.startDockerd(); }

  /** unshare, sh and nsenter exec in place: the pid becomes dockerd's, whose children inherit the cgroup. */
  protected override adopt(pid: number): void {
    fs.writeFileSync(path.join(this.cgroup, 'cgroup.procs'), String(pid));
  }

  /**
   * Starts `cmd args` inside the namespace and the host's cgroup, detached, output appended to
   * `log`. Returns its pid (of the process that execs into `cmd`).
   */
  spawnDaemon(cmd: string, args: string[], o: { env: NodeJS.ProcessEnv; log: string; cwd?: string }): number {
    const out = fs.openSync(o.log, 'a');
    const child = spawn('nsenter', [`--net=/var/run/netns/${this.netns}`, cmd, ...args], { env: o.env, cwd: o.cwd, detached: true, stdio: ['ignore', out, out] });
    child.unref();
    fs.closeSync(out);
    // nsenter execs `cmd`; joined before it forks anything (nginx, redis's saves), so they inherit the cgroup.
    this.adopt(child.pid!);
    return child.pid!;
  }

  /** `cmd args` inside the namespace, waited for (e.g. berth's admin:bootstrap, redis-cli). */
  runInside(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    return spawnSync('nsenter', [`--net=/var/run/netns/${this.netns}`, cmd, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  }

  /** Every pid in the host's cgroup and the cgroups below it (containers). */
  pids(): number[] {
    const out: number[] = [];
    const walk = (dir: string) => {
      for (const line of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line.trim()) out.push(Number(line));
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(dir, e.name));
    };
    if (fs.existsSync(this.cgroup)) walk(this.cgroup);
    return out;
  }

  /**
   * Power loss: freeze everything (no process can fork or react), SIGKILL each, thaw, and wait
   * until none is left. Mounts the daemons made under this host's directories (container network
   * namespaces, /dev/shm) are dropped as a reboot drops them, and so is the exec-root (a tmpfs /run).
   */
  async powerOff(): Promise<void> {
    const state = path.join(this.cgroup, 'freezer.state');
    fs.writeFileSync(state, 'FROZEN');
    for (let i = 0; i < 100 && fs.readFileSync(state, 'utf8').trim() !== 'FROZEN'; i++) await sleep(100);
    for (const pid of this.pids()) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    fs.writeFileSync(state, 'THAWED');
    for (let i = 0; i < 200 && this.pids().length > 0; i++) await sleep(100);
    if (this.pids().length > 0) throw new Error(`processes survived the power-off: ${this.pids().join(' ')}`);
    this.dropMounts();
    fs.rmSync(path.join(this.dir, 'exec'), { recursive: true, force: true });
    // The next boot has a new boot id.
    fs.writeFileSync(this.bootIdFile, `${crypto.randomUUID()}\n`);
    // A dead pid in it could be reused by anybody's process: NetnsDocker.destroy signals it.
    fs.rmSync(path.join(this.dir, 'docker.pid'), { force: true });
  }

  private dropMounts(): void {
    // /proc/self/mountinfo's fifth field is the mount point (octal escapes for spaces: none under this.dir).
    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '')
      .filter((m) => m.startsWith(`${this.dir}/`)).sort().reverse();
    for (const m of mounts) spawnSync('umount', ['-l', m]);
  }

  /** Powers off (if anything still runs), then removes the namespace, cgroups and directory. */
  override async destroy(): Promise<void> {
    if (fs.existsSync(this.cgroup)) await this.powerOff().catch(() => undefined);
    this.dropMounts();
    // Its cgroup in every hierarchy (dockerd made one per container below it), children first.
    const dirs: string[] = [];
    const walk = (dir: string) => { dirs.push(dir); for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(dir, e.name)); };
    for (const hierarchy of fs.readdirSync('/sys/fs/cgroup')) {
      const mine = `/sys/fs/cgroup/${hierarchy}/berth-n2-${this.id}`;
      if (fs.existsSync(mine)) walk(mine);
    }
    for (const d of dirs.sort((a, b) => b.length - a.length)) { try { fs.rmdirSync(d); } catch { /* busy or gone */ } }
    await super.destroy();
  }
}
