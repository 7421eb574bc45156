import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../../errors';
import type { NginxPaths } from './paths';
import { isAlive, masterBinary, parentIsOurMaster, runningMaster, waitFor, workersOf } from './processes';

/** How often a reload is polled: it is on every route change's path, so not 50 ms. */
const POLL_MS = 5;

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * nginx's own `[emerg]` line: the level right after the time, at the start of a line. A request's
 * error line carries its request line and Host (`request: "POST /[emerg] HTTP/1.1"`), so anyone
 * who reaches the router writes "[emerg]" into error.log at will (a body over the limit to a name
 * no app serves): matched anywhere, it failed every reload it fell into, and the batch was rolled
 * back on disk though nginx had taken it. A request cannot start a line (no line break reaches it).
 */
const NGINX_EMERG = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[emerg\] \d+#\d+: /;

/**
 * Watches `file` from its present end for nginx's `[emerg]` line: a reload it refused (the master
 * keeps the old config). Each look reads only what was written since the last (at most 1 MB, whole
 * lines), so the refusal is found however much anyone else wrote before it: with one fixed 64 KB
 * window from the start, a stranger's requests filling error.log hid it, and a refused SIGHUP
 * reload became a timeout that left the refused files on disk for every later change to trip on.
 */
export function emergWatch(file: string): () => string | null {
  let pos = sizeOf(file);
  let partial = '';
  return () => {
    const size = sizeOf(file);
    if (size < pos) { pos = 0; partial = ''; } // emptied by log rotation meanwhile: read it from its start
    if (size <= pos) return null;
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(size - pos, 1024 * 1024));
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      pos += n;
      const lines = (partial + buf.subarray(0, n).toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      return lines.find((l) => NGINX_EMERG.test(l)) ?? null;
    } finally {
      fs.closeSync(fd);
    }
  };
}

/**
 * SIGHUP to the master (not `nginx -s reload`, which parses the whole config once more just to
 * find the pid) and waits until new workers serve and the old ones stopped accepting. A config
 * the master refuses shows as an `[emerg]` line in its error log: ROUTER_CONFIG_INVALID at once
 * rather than the timeout.
 */
export async function hupReload(master: number, paths: NginxPaths, timeoutMs: number): Promise<void> {
  const log = path.join(paths.logsDir, 'error.log');
  const emerg = emergWatch(log);
  const before = new Set(workersOf(master).map((w) => w.pid));
  process.kill(master, 'SIGHUP');
  let refusedBy: string | null = null;
  const settled = await waitFor(() => {
    const now = workersOf(master);
    const fresh = now.some((w) => !before.has(w.pid));
    const oldStillAccepting = now.some((w) => before.has(w.pid) && !w.shuttingDown);
    if (fresh && !oldStillAccepting) return true;
    refusedBy = emerg();
    return refusedBy !== null;
  }, timeoutMs, POLL_MS);
  if (refusedBy !== null) throw new BerthError('ROUTER_CONFIG_INVALID', `nginx refused the new configuration: ${String(refusedBy).replace(/^.*\[emerg\] \d+#\d+: /, '')}`);
  if (!settled) throw new BerthError('INTERNAL', `nginx did not apply the new configuration; see ${log}.`);
}

/**
 * Whether the master can be replaced by a fresh one (replaceMaster): one started by a relative
 * path cannot (nginx execs its own argv[0]), nor one whose own old master still runs (finishing
 * a long request): nginx ignores SIGUSR2 in a new master while its parent lives.
 */
export function canReplace(master: number, paths: NginxPaths): boolean {
  return path.isAbsolute(masterBinary(master)) && !parentIsOurMaster(master, paths.conf);
}

/**
 * A reload by a fresh master (nginx's binary upgrade, same binary): SIGUSR2 starts a new master
 * that parses the config, inherits every listener and starts its workers; then SIGQUIT makes the
 * old master's workers stop accepting and finish their requests. Resolves once both happened.
 * Why not SIGHUP: after starting new workers a reloading master sleeps 100 ms before it tells the
 * old ones to quit (ngx_process_cycle.c), a fixed cost on every route change; and each reload
 * leaves the master's heap holding another copy of the config (glibc keeps what nginx freed, and
 * workers fork from it), while a fresh master holds one. A config the new master refuses leaves
 * the old one serving: ROUTER_CONFIG_INVALID with nginx's `[emerg]` line (the new master writes
 * it to the stderr it inherited, which nginx pointed at error.log).
 */
export async function replaceMaster(master: number, paths: NginxPaths, timeoutMs: number): Promise<void> {
  const log = path.join(paths.logsDir, 'error.log');
  const emerg = emergWatch(log);
  const oldPidFile = `${paths.pidFile}.oldbin`;
  let renamed = false; // nginx renames the pid file while a new master starts, and back when it failed
  let fresh = 0;
  let refusedBy: string | null = null;
  process.kill(master, 'SIGUSR2');
  const up = await waitFor(() => {
    const m = runningMaster(paths.pidFile, paths.conf);
    if (m !== null && m !== master && workersOf(m).length > 0) {
      fresh = m;
      return true;
    }
    refusedBy = emerg();
    if (refusedBy !== null) return true;
    if (fs.existsSync(oldPidFile)) renamed = true;
    else if (renamed && m === master) refusedBy = 'the new master exited';
    return refusedBy !== null;
  }, timeoutMs, POLL_MS);
  if (refusedBy !== null) {
    // Its pid file back in place: the next reload must find the old master, not a half-started one.
    await waitFor(() => runningMaster(paths.pidFile, paths.conf) === master, timeoutMs, POLL_MS);
    throw new BerthError('ROUTER_CONFIG_INVALID', `nginx refused the new configuration: ${String(refusedBy).replace(/^.*\[emerg\] \d+#\d+: /, '')}`);
  }
  if (!up || fresh === 0) throw new BerthError('INTERNAL', `nginx did not apply the new configuration; see ${log}.`);
  process.kill(master, 'SIGQUIT');
  const quit = await waitFor(() => !isAlive(master) || workersOf(master).every((w) => w.shuttingDown), timeoutMs, POLL_MS);
  if (!quit) throw new BerthError('INTERNAL', `nginx's old master ${master} did not stop accepting; see ${log}.`);
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
