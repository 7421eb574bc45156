import { spawn } from 'node:child_process';
import { BerthError } from '../../errors';

export interface RunGitOptions {
  /** Arguments after `git` — an array, never a shell string. */
  readonly args: readonly string[];
  readonly cwd?: string;
}

export interface RunGitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs git to completion; resolves with its exit code, rejects only if it cannot start. */
export function runGit(options: RunGitOptions): Promise<RunGitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...options.args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.once('error', (err) => reject(new BerthError('INTERNAL', `git could not start: ${err.message}`, { cause: err })));
    child.once('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

/** Runs git and returns its stdout; a non-zero exit becomes an INTERNAL error with git's message. */
export async function git(options: RunGitOptions): Promise<string> {
  const result = await runGit(options);
  if (result.code !== 0) {
    const detail = result.stderr.trim() || `exit code ${result.code}`;
    throw new BerthError('INTERNAL', `git ${options.args.filter((a) => !a.startsWith('/')).slice(0, 3).join(' ')} failed: ${detail}`);
  }
  return result.stdout;
}
