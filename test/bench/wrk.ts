/**
 * Running Debian's `wrk` from a bench: one load run, its rate and latency percentiles, and the CPU
 * time wrk itself used (the load generator shares this machine's cores with what it measures).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface WrkResult {
  readonly rps: number;
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU seconds (user + system) wrk used. */
  readonly cpuSeconds: number;
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v.trim());
  if (!m) throw new Error(`wrk latency ${v}`);
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

/** `1m2.50s` (bash `times`) → seconds. */
function bashSeconds(v: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(v);
  return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
}

/** wrk -t2 -c32 against `url` (with a Host header when given); bash's `times` reports wrk's CPU. */
export function wrk(url: string, o: { host?: string; seconds: number }): WrkResult {
  const args = ['-t2', '-c32', `-d${o.seconds}s`, '--latency', ...(o.host ? ['-H', `Host: ${o.host}`] : []), url];
  const out = execFileSync('bash', ['-c', 'wrk "$@" && times', 'wrk', ...args], { encoding: 'utf8', timeout: (o.seconds + 30) * 1000 });
  if (/Non-2xx|Socket errors/.test(out)) throw new Error(`wrk saw errors:\n${out}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  if (!rps) throw new Error(`wrk printed no rate:\n${out}`);
  // `times` prints the shell's own user/sys line, then its children's (wrk's).
  const children = out.trim().split('\n').at(-1)!.trim().split(/\s+/);
  return {
    rps,
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
    p50: toMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? ''),
    p99: toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? ''),
    cpuSeconds: bashSeconds(children[0]) + bashSeconds(children[1]),
  };
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds a process has used so far (user + system), from /proc/<pid>/stat; 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** The pids whose parent is `parent` (nginx's workers under its master). */
export function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const p of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) out.push(Number(p));
    } catch { /* exited */ }
  }
  return out;
}
