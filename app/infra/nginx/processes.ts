import fs from 'node:fs';

/*
 * What the kernel says about nginx's processes, read from /proc (Linux only, as berth is).
 * nginx sets its process titles ("nginx: master process …", "nginx: worker process is
 * shutting down"), which is how a reload is seen to have taken effect.
 */

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

interface ProcStat {
  readonly state: string;
  readonly ppid: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses; fields resume after the last ')'.
    const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', ppid: Number(rest[1]) };
  } catch {
    return null;
  }
}

export function processTitle(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+/g, ' ').trim();
  } catch {
    return '';
  }
}

/**
 * Whether `pid`'s parent is an nginx master of our config that has not finished exiting: it still
 * runs, or it is tearing down (its memory gone, so no title left to read, but its children not yet
 * handed to init). nginx ignores SIGUSR2 in a master whose parent is still its parent.
 */
export function parentIsOurMaster(pid: number, confPath: string): boolean {
  const ppid = readStat(pid)?.ppid ?? 0;
  const st = ppid > 1 ? readStat(ppid) : null;
  if (st === null || st.state === 'Z' || st.state === 'X') return false;
  const title = processTitle(ppid);
  return title === '' || (title.startsWith('nginx: master process') && title.includes(confPath));
}

/** Alive and not a zombie (a master we did not parent may linger as one when nothing reaps it). */
export function isAlive(pid: number): boolean {
  const st = readStat(pid);
  return st !== null && st.state !== 'Z' && st.state !== 'X';
}

export function readPidFile(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when `pid` is an nginx master started with our config file (not Debian's nginx). */
export function isOurMaster(pid: number, confPath: string): boolean {
  if (!isAlive(pid)) return false;
  const title = processTitle(pid);
  return title.startsWith('nginx: master process') && title.includes(confPath);
}

/** The live master named by the pid file, or null. */
export function runningMaster(pidFile: string, confPath: string): number | null {
  const pid = readPidFile(pidFile);
  return pid !== null && isOurMaster(pid, confPath) ? pid : null;
}

export interface Worker {
  readonly pid: number;
  readonly shuttingDown: boolean;
}

/**
 * The master's children from /proc/<pid>/task/<pid>/children (one read, where the kernel has it;
 * a reload polls this every few ms), else by scanning every process's parent.
 */
function childrenOf(masterPid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${masterPid}/task/${masterPid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  }
}

export function workersOf(masterPid: number): Worker[] {
  const out: Worker[] = [];
  for (const pid of childrenOf(masterPid)) {
    const st = readStat(pid);
    if (!st || st.ppid !== masterPid || st.state === 'Z') continue;
    const title = processTitle(pid);
    if (!title.includes('worker process')) continue;
    out.push({ pid, shuttingDown: title.includes('shutting down') });
  }
  return out;
}

/** Polls `check` every `everyMs` (50) until it is true; false when the timeout passes first. */
export async function waitFor(check: () => boolean, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}

/** The executable a master runs, from its title (`nginx: master process /usr/sbin/nginx -p …`). */
export function masterBinary(pid: number): string {
  return processTitle(pid).replace(/^nginx: master process /, '').split(' ')[0] ?? '';
}

/** Every live nginx master started with our config file: the current one, and old ones still draining. */
export function mastersOf(confPath: string): number[] {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number).filter((pid) => isOurMaster(pid, confPath));
}
