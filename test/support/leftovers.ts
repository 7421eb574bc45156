import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { untagImagesOfApps } from './app-images';

/**
 * What a test berth leaves behind when its test process is killed mid-test (destroy() never runs):
 * its home `/tmp/berth-test-<6 hex>-<mkdtemp suffix>`, its Docker network `berth-test-<6 hex>` and
 * its apps' image tags (app-images.ts).
 * startBerth() sweeps them, touching only what is provably dead, since other test files run
 * berths in parallel on this machine.
 */

/** In each test home: one line per process that uses it (the test runner, each berth process). */
export const PIDS_FILE = 'berth-test.pids';
/** A home whose processes are all dead is still left alone this long after its last change. */
export const STALE_AFTER_MS = 10 * 60_000;

const HOME_NAME = /^berth-test-([0-9a-f]{6})-[A-Za-z0-9]{6}$/;
/** A test berth's network, or one of its apps' networks (`<scope>-<app id>`). */
const NETWORK_NAME = /^berth-test-([0-9a-f]{6})(?:-[0-9a-f]{12})?$/;

export function recordPid(home: string, pid: number | undefined): void {
  if (pid) fs.appendFileSync(path.join(home, PIDS_FILE), `${pid}\n`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type HomeState = 'dead' | 'alive' | 'unknown';

/** dead: it has a pid file and every process it names is gone; unknown: no pid file (not ours, or older code). */
function stateOf(home: string): { state: HomeState; changedAt: number } {
  let text: string;
  let changedAt: number;
  try {
    text = fs.readFileSync(path.join(home, PIDS_FILE), 'utf8');
    changedAt = Math.max(fs.statSync(home).mtimeMs, fs.statSync(path.join(home, PIDS_FILE)).mtimeMs);
  } catch {
    return { state: 'unknown', changedAt: Date.now() };
  }
  const pids = text.split(/\s+/).filter((p) => /^\d+$/.test(p)).map(Number);
  if (pids.length === 0) return { state: 'unknown', changedAt };
  return { state: pids.some(alive) ? 'alive' : 'dead', changedAt };
}

export function sweepLeftovers(o: { tmpDir?: string; now?: number } = {}): { homes: string[]; networks: string[] } {
  const tmp = o.tmpDir ?? os.tmpdir();
  const now = o.now ?? Date.now();
  const homesById = new Map<string, HomeState[]>();
  const homes: string[] = [];
  for (const name of safeReaddir(tmp)) {
    const id = HOME_NAME.exec(name)?.[1];
    if (!id) continue;
    const home = path.join(tmp, name);
    const { state, changedAt } = stateOf(home);
    if (state === 'dead' && now - changedAt > STALE_AFTER_MS) {
      stopNginx(home);
      untagImagesOfApps(home);
      fs.rmSync(home, { recursive: true, force: true });
      homes.push(home);
      continue;
    }
    homesById.set(id, [...(homesById.get(id) ?? []), state]);
  }

  const networks: string[] = [];
  // Networks are the engine's, homes are this tmpdir's: from another folder every live berth's
  // network would look like an orphan and go the moment it had no container (a service starting).
  if (tmp !== os.tmpdir()) return { homes, networks };
  const listed = spawnSync('docker', ['network', 'ls', '--filter', 'name=berth-test-', '--format', '{{.Name}}'], { encoding: 'utf8' });
  for (const name of (listed.stdout ?? '').split(/\s+/)) {
    const id = NETWORK_NAME.exec(name)?.[1];
    // A home still there that is alive, or not known to be dead, may be a berth about to use it.
    if (!id || homesById.has(id)) continue;
    const inspect = spawnSync('docker', ['network', 'inspect', '--format', '{{len .Containers}}', name], { encoding: 'utf8' });
    if (inspect.status !== 0 || inspect.stdout.trim() !== '0') continue;
    if (spawnSync('docker', ['network', 'rm', name], { encoding: 'utf8' }).status === 0) networks.push(name);
  }
  return { homes, networks };
}

/** The berth's nginx may outlive it (its master was started by the worker): ask it to quit. */
function stopNginx(home: string): void {
  const dir = path.join(home, 'nginx');
  let pid = 0;
  try { pid = Number(fs.readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim()); } catch { return; }
  if (pid > 0 && alive(pid)) spawnSync('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-s', 'quit']);
}

function safeReaddir(dir: string): string[] {
  try { return fs.readdirSync(dir); } catch { return []; }
}
