import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const must = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout}`);
};

export interface LaptopResult { code: number; stdout: string; stderr: string }

/**
 * Another machine, as far as berth can tell: its own network namespace joined to this host by a
 * veth pair (host side .1, laptop .2 of a /30), with no default route, so nothing it sends can
 * leave the machine. `ip netns exec` bind-mounts /etc/netns/<ns>/hosts over /etc/hosts, which
 * gives the laptop its own `/etc/hosts` line for berth's hostname.
 */
export class Laptop {
  readonly id = crypto.randomBytes(2).toString('hex');
  readonly netns = `berth-lt-${this.id}`;
  /** berth's address as the laptop reaches it (the host's side of the veth). */
  readonly hostAddr: string;
  readonly addr: string;
  /** The laptop user's home: CLI config, npm prefix, keys, checkouts. */
  readonly home = fs.mkdtempSync(path.join(os.tmpdir(), `berth-laptop-${this.id}-`));
  private readonly hostIf = `lh${this.id}`;
  private readonly etc = `/etc/netns/${this.netns}`;

  constructor() {
    const octet = 100 + Math.floor(Math.random() * 150);
    this.hostAddr = `10.214.${octet}.1`;
    this.addr = `10.214.${octet}.2`;
  }

  /** `names` resolve to berth's address inside the laptop. */
  start(names: readonly string[]): void {
    must('ip', ['netns', 'add', this.netns]);
    must('ip', ['link', 'add', this.hostIf, 'type', 'veth', 'peer', 'name', `ln${this.id}`]);
    must('ip', ['link', 'set', `ln${this.id}`, 'netns', this.netns]);
    must('ip', ['addr', 'add', `${this.hostAddr}/30`, 'dev', this.hostIf]);
    must('ip', ['link', 'set', this.hostIf, 'up']);
    const inNs = (...args: string[]) => must('ip', ['netns', 'exec', this.netns, ...args]);
    inNs('ip', 'addr', 'add', `${this.addr}/30`, 'dev', `ln${this.id}`);
    inNs('ip', 'link', 'set', `ln${this.id}`, 'up');
    inNs('ip', 'link', 'set', 'lo', 'up');
    fs.mkdirSync(this.etc, { recursive: true });
    fs.writeFileSync(path.join(this.etc, 'hosts'), `127.0.0.1 localhost\n${names.map((n) => `${this.hostAddr} ${n}\n`).join('')}`);
    // No name server: a name missing from hosts fails at once instead of waiting for one.
    fs.writeFileSync(path.join(this.etc, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    fs.mkdirSync(path.join(this.home, 'prefix'), { recursive: true });
  }

  /** The laptop user's environment: its own HOME, its npm prefix first on PATH, nothing of this process's. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      HOME: this.home, PATH: `${path.join(this.home, 'prefix', 'bin')}:${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      LANG: 'C.UTF-8', NO_COLOR: '1', GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'laptop', GIT_AUTHOR_EMAIL: 'laptop@example.test', GIT_COMMITTER_NAME: 'laptop', GIT_COMMITTER_EMAIL: 'laptop@example.test',
      ...extra,
    };
  }

  /** Starts a program inside the laptop; `ip netns exec` and `env` exec it, so the child's pid is the program's. */
  spawn(cmd: string, args: readonly string[], o: { cwd?: string; env?: Record<string, string> } = {}): ChildProcessWithoutNullStreams {
    const env = this.env(o.env);
    return spawn('ip', ['netns', 'exec', this.netns, 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...args],
      { cwd: o.cwd ?? this.home, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Runs a program inside the laptop (async, so a berth in this process keeps serving meanwhile). */
  run(cmd: string, args: readonly string[], o: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Promise<LaptopResult> {
    const child = this.spawn(cmd, args, o);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    // A program that exits without reading its stdin closes the pipe: that is not the test's failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
    return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
  }

  stop(): void {
    spawnSync('ip', ['netns', 'del', this.netns]); // takes the veth pair with it
    spawnSync('ip', ['link', 'del', this.hostIf]);
    fs.rmSync(this.etc, { recursive: true, force: true });
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}

/** A test CA and a certificate it signed for `hostname` (openssl), as an admin's private CA would give. */
export function makeTestCa(dir: string, hostname: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => path.join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  must('openssl', ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=berth test CA']);
  must('openssl', ['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', `/CN=${hostname}`]);
  fs.writeFileSync(f('ext.cnf'), `subjectAltName=DNS:${hostname}\n`);
  must('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '2', '-extfile', f('ext.cnf')]);
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}
