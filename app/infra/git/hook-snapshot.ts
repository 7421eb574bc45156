import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `git archive --format=tar <sha>` to a new file in `dir` and returns its path. Run from
 * the hook, git's quarantine environment (inherited) makes the just-pushed objects visible.
 */
export async function writeSnapshot(options: { readonly sha: string; readonly dir: string }): Promise<string> {
  await mkdir(options.dir, { recursive: true });
  const file = path.join(path.resolve(options.dir), `${randomUUID()}.tar`);
  const stderr: Buffer[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('git', ['archive', '--format=tar', '-o', file, options.sha], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.once('error', reject);
    child.once('close', (exit) => resolve(exit ?? 1));
  });
  if (code !== 0) {
    await rm(file, { force: true });
    throw new Error(`git archive ${options.sha} failed: ${Buffer.concat(stderr).toString('utf8').trim()}`);
  }
  return file;
}
