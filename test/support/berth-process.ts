import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { untagImagesOfApps } from './app-images';
import { recordPid, sweepLeftovers } from './leftovers';

export { untagAppImages } from './app-images';

export const ROOT = path.resolve(__dirname, '../../..');
const MAIN = path.join(ROOT, 'dist/app/main.js');
const CLI = path.join(ROOT, 'dist/app/cli/main.js');

/** fetch() drops a Host header, so requests by virtual host go through node's http. */
export function httpGet(o: { port: number; host: string; path: string; address?: string }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: o.address ?? '127.0.0.1', port: o.port, path: o.path, headers: { host: o.host }, agent: false, timeout: 15_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

export interface CliResult { code: number; stdout: string; stderr: string }

/**
 * Test ports stay below Linux's ephemeral range (ip_local_port_range, 32768–60999 here): any
 * outgoing connection (a Redis client's, nginx's to an upstream) may hold a port in it when a test
 * binds, which failed CI with "Address already in use" on 34774 and 34804. Each process walks its
 * own window upward from a random start, wrapping below the range.
 */
const PORT_FLOOR = 20_000;
const PORT_CEILING = 32_000;
let portSeed = PORT_FLOOR + 4 * Math.floor(Math.random() * ((PORT_CEILING - PORT_FLOOR) / 4 - 1));
export const freePortPair = (): [number, number] => {
  portSeed = portSeed + 8 > PORT_CEILING ? PORT_FLOOR + (portSeed % 4) : portSeed + 4;
  return [portSeed, portSeed + 1];
};

/** One port nobody listens on now, below the ephemeral range (for a server a test has something else start). */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const [port] = freePortPair();
    if (await portIsFree(port)) return port;
  }
  throw new Error('no free port found');
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** Four consecutive ports nobody listens on (API, router HTTP, router HTTPS, SSH). */
async function freePortBlock(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const [base] = freePortPair();
    const free = await Promise.all([0, 1, 2, 3].map((i) => portIsFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free block of 4 ports found');
}

/** A real berth (web + worker) in its own home, ports, Redis prefix and Docker network. */
export class BerthProcess {
  child: ChildProcess | null = null;
  token = '';
  output = '';

  /** `start` runs web and worker in one process; `web` or `worker` runs one role, as the Procfile does. */
  role: BerthRole = 'start';

  /** Where its API and router are reached: another address for a berth in a network namespace. */
  address = '127.0.0.1';

  constructor(readonly home: string, readonly env: Record<string, string>) {}

  get port(): number { return Number(this.env.BERTH_PORT); }
  get routerPort(): number { return Number(this.env.BERTH_ROUTER_PORT); }
  get url(): string { return `http://${this.address}:${this.port}`; }

  /** Starts the process (in `role`, default the last one) and waits until it is ready. */
  async start(role: BerthRole = this.role): Promise<void> {
    this.role = role;
    this.child = spawn(process.execPath, [MAIN, role], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    recordPid(this.home, this.child.pid);
    const append = (b: Buffer) => { this.output += b.toString(); if (process.env.BERTH_TEST_VERBOSE) process.stderr.write(b); };
    this.child.stdout!.on('data', append);
    this.child.stderr!.on('data', append);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`berth exited (${this.child.exitCode}):\n${this.output}`);
      // A worker alone serves no HTTP: it is ready once it reconciles.
      if (role === 'worker' && /reconciling containers every/.test(this.output)) return;
      if (role === 'worker') { await new Promise((r) => setTimeout(r, 150)); continue; }
      try {
        const res = await fetch(`${this.url}/healthz`);
        if (res.ok) return;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`berth (${role}) was not ready within 30 s:\n${this.output}`);
  }

  /** SIGKILL, as a crash would. */
  kill(): void { this.child?.kill('SIGKILL'); this.child = null; }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }

  cli(args: string[], options: { cwd?: string; input?: string } = {}): CliResult {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      cwd: options.cwd, input: options.input, encoding: 'utf8', timeout: 600_000,
      env: { ...process.env, ...this.env, BERTH_URL: this.url, BERTH_TOKEN: this.token, NO_COLOR: '1' },
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  async api(method: string, urlPath: string, body?: unknown, token: string | null = this.token): Promise<{ status: number; json: any; text: string }> {
    const send = () => fetch(`${this.url}${urlPath}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    let res: Response;
    try {
      res = await send();
    } catch (e) {
      // A keep-alive socket the server closed while this process was blocked (spawnSync of a
      // push) fails before any answer: the request never arrived, so sending it again is safe.
      if ((e as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw e;
      res = await send();
    }
    const text = await res.text();
    let json: unknown = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, json, text };
  }

  /** The app's answer through berth's nginx, by Host header. */
  viaRouter(host: string, urlPath = '/'): Promise<{ status: number; text: string }> {
    return httpGet({ port: this.routerPort, host, path: urlPath, address: this.address });
  }

  /** Stops berth, its nginx and app containers, and removes its home (keeps shared images). */
  async destroy(): Promise<void> {
    await this.stop();
    const scope = this.env.BERTH_NETWORK;
    const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=berth.scope=${scope}`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
    const oneoffs = spawnSync('docker', ['ps', '-aq', '--filter', `label=berth.scope=${scope}-oneoff`], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
    if (ids.length + oneoffs.length) spawnSync('docker', ['rm', '-f', ...ids, ...oneoffs]);
    // Each app's own network is `<scope>-<app id>`.
    const appNets = spawnSync('docker', ['network', 'ls', '--filter', `name=${scope}-`, '--format', '{{.Name}}'], { encoding: 'utf8' })
      .stdout.split(/\s+/).filter((n) => n.startsWith(`${scope}-`));
    spawnSync('docker', ['network', 'rm', scope, ...appNets]);
    untagImagesOfApps(this.home);
    const pidFile = path.join(this.home, 'nginx', 'nginx.pid');
    if (fs.existsSync(pidFile)) spawnSync('nginx', ['-p', path.join(this.home, 'nginx'), '-c', path.join(this.home, 'nginx', 'nginx.conf'), '-s', 'quit']);
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}

export type BerthRole = 'start' | 'web' | 'worker';

/**
 * Starts a berth for one test file (web and worker in one process unless `role` says otherwise;
 * a second `new BerthProcess(b.home, b.env)` started as `worker` completes a `web` one). Call
 * destroy() in `after`.
 */
export async function startBerth(extraEnv: Record<string, string> = {}, options: { role?: 'start' | 'web' } = {}): Promise<BerthProcess> {
  // Homes and networks of test berths killed mid-test elsewhere (see leftovers.ts).
  const swept = sweepLeftovers();
  if (process.env.BERTH_TEST_VERBOSE && swept.homes.length + swept.networks.length) process.stderr.write(`swept ${[...swept.homes, ...swept.networks].join(', ')}\n`);
  const id = crypto.randomBytes(3).toString('hex');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `berth-test-${id}-`));
  // This test process owns the home; each berth process on it adds its pid (start()).
  recordPid(home, process.pid);
  // mkdtemp makes 0700; nginx's unprivileged workers must reach berth's pages under it.
  fs.chmodSync(home, 0o755);
  const port = await freePortBlock();
  const routerPort = port + 1;
  const env: Record<string, string> = {
    BERTH_HOME: home,
    BERTH_PORT: String(port),
    BERTH_ROUTER_PORT: String(routerPort),
    BERTH_ROUTER_HTTPS_PORT: String(routerPort + 1),
    BERTH_REDIS_PREFIX: `berth-test-${id}`,
    BERTH_NETWORK: `berth-test-${id}`,
    BERTH_RETIRE_WAIT: '1',
    // Seconds from SIGTERM to SIGKILL. The fixtures' busybox httpd as PID 1 ignores SIGTERM, so every
    // stop berth waits for (ps:stop, apps:destroy, apps:rename, a restart) took this long: 10 s cost
    // CI about 7 s per stop. The fixtures that trap SIGTERM exit well within 3 s; a file that checks
    // the stop-timeout itself sets its own (drain.test).
    BERTH_STOP_TIMEOUT: '3',
    BERTH_RECONCILE_INTERVAL: '2',
    BERTH_SSH_PORT: String(port + 3),
    ...extraEnv,
  };
  const berth = new BerthProcess(home, env);
  const boot = spawnSync(process.execPath, [MAIN, 'admin:bootstrap'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (boot.status !== 0) throw new Error(`admin:bootstrap failed: ${boot.stderr}`);
  berth.token = JSON.parse(boot.stdout.trim().split('\n').pop()!).token;
  await berth.start(options.role ?? 'start');
  return berth;
}

export const uniqueName = (prefix: string): string => `${prefix}-${crypto.randomBytes(3).toString('hex')}`;
