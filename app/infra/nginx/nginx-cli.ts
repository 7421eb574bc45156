import { execFile } from 'node:child_process';
import { BerthError } from '../../errors';
import { prefixArgs, type NginxPaths } from './paths';

export interface CliResult {
  readonly ok: boolean;
  readonly output: string;
}

/** Runs nginx with an argument array (never a shell string) against berth's prefix and config. */
function run(bin: string, paths: NginxPaths, extra: string[], timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(bin, [...prefixArgs(paths), ...extra], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim() || (err ? err.message : '');
      resolve({ ok: !err, output });
    });
  });
}

/**
 * `nginx -t` (of `conf`, the live config unless given): the exact text nginx prints, for the
 * ROUTER_CONFIG_INVALID message.
 */
export async function testConfig(bin: string, paths: NginxPaths, timeoutMs: number, conf: string = paths.conf): Promise<CliResult> {
  const r = await run(bin, { ...paths, conf }, ['-t', '-q'], timeoutMs);
  return r.ok ? r : { ok: false, output: r.output.split('\n').filter((l) => !/test failed/.test(l)).join('\n') };
}

async function mustRun(bin: string, paths: NginxPaths, extra: string[], timeoutMs: number, what: string): Promise<void> {
  const r = await run(bin, paths, extra, timeoutMs);
  if (!r.ok) throw new BerthError('INTERNAL', `nginx ${what} failed: ${r.output}`);
}

/** Starts the master; nginx daemonizes, so this returns once the foreground process exits. */
export function startMaster(bin: string, paths: NginxPaths, timeoutMs: number): Promise<void> {
  return mustRun(bin, paths, [], timeoutMs, 'start');
}
