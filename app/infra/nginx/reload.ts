import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../../errors';
import type { NginxPaths } from './paths';
import { isAlive, masterBinary, runningMaster, waitFor, workersOf } from './processes';

/** How often a reload is polled: it is on every route change's path, so not 50 ms. */
const POLL_MS = 5;

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The first `[emerg]` line nginx wrote to `file` past `from`: a reload it refused (the master keeps the old config). */
function emergSince(file: string, from: number): string | null {
  const size = sizeOf(file);
  if (size <= from) return null;
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size - from, 64 * 1024));
    fs.readSync(fd, buf, 0, buf.length, from);
    return buf.toString('utf8').split('\n').find((l) => l.includes('[emerg]')) ?? null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * SIGHUP to the master (not `nginx -s reload`, which parses the whole config once more just to
 * find the pid) and waits until new workers serve and the old ones stopped accepting. A config
 * the master refuses shows as an `[emerg]` line in its error log: ROUTER_CONFIG_INVALID at once
 * rather than the timeout.
 */
export async function hupReload(master: number, paths: NginxPaths, timeoutMs: number): Promise<void> {
  const log = path.join(paths.logsDir, 'error.log');
  const from = sizeOf(log);
  const before = new Set(workersOf(master).map((w) => w.pid));
  process.kill(master, 'SIGHUP');
  let refusedBy: string | null = null;
  const settled = await waitFor(() => {
    const now = workersOf(master);
    const fresh = now.some((w) => !before.has(w.pid));
    const oldStillAccepting = now.some((w) => before.has(w.pid) && !w.shuttingDown);
    if (fresh && !oldStillAccepting) return true;
    refusedBy = emergSince(log, from);
    return refusedBy !== null;
  }, timeoutMs, POLL_MS);
  if (refusedBy !== null) throw new BerthError('ROUTER_CONFIG_INVALID', `nginx refused the new configuration: ${String(refusedBy).replace(/^.*\[emerg\] \d+#\d+: /, '')}`);
  if (!settled) throw new BerthError('INTERNAL', `nginx did not apply the new configuration; see ${log}.`);
}

/**
 * Replaces the master by a fresh one of the same binary (nginx's binary upgrade: SIGUSR2, then
 * SIGQUIT to the old master), with no listener closed. Each reload parses the whole config into
 * the master's heap before the old one is freed, and glibc keeps the freed pages: after a few
 * reloads the master (and every worker it forks) holds 3-4 copies of the config. A new master
 * starts with one. The old master's workers finish their requests, as after a reload.
 * False (and nothing changed) when the master cannot be re-executed: one started by a relative
 * path (nginx execs its own argv[0]), or a new master that did not come up.
 */
export async function reexecMaster(master: number, paths: NginxPaths, timeoutMs: number): Promise<boolean> {
  if (!path.isAbsolute(masterBinary(master))) return false;
  process.kill(master, 'SIGUSR2');
  const up = await waitFor(() => {
    const m = runningMaster(paths.pidFile, paths.conf);
    return m !== null && m !== master && workersOf(m).length > 0;
  }, timeoutMs, POLL_MS);
  if (!up) return false; // nginx puts the old pid file back when the new binary fails
  process.kill(master, 'SIGQUIT');
  await waitFor(() => !isAlive(master) || workersOf(master).every((w) => w.shuttingDown), timeoutMs, POLL_MS);
  return true;
}

/** `bin` as an absolute path (PATH searched), so the master can re-execute itself. */
export function absoluteBinary(bin: string): string {
  if (bin.includes('/')) return path.resolve(bin);
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = path.join(dir, bin);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return bin;
}
