import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

export interface HookScriptOptions {
  /** The node binary to run the hook with. */
  readonly nodePath: string;
  /** The compiled hook client (hook-client.js). */
  readonly clientPath: string;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function preReceiveScript(options: HookScriptOptions): string {
  return [
    '#!/bin/sh',
    '# Written by berth on every ensureRepo (paths may move between installs); edits are lost.',
    `exec ${shellQuote(options.nodePath)} ${shellQuote(options.clientPath)} "$@"`,
    '',
  ].join('\n');
}

/** Writes `hooks/pre-receive` atomically, so a push running it meanwhile never reads half a file. */
export async function writePreReceiveHook(repoDir: string, options: HookScriptOptions): Promise<void> {
  const target = path.join(repoDir, 'hooks', 'pre-receive');
  const script = preReceiveScript(options);
  if ((await readFile(target, 'utf8').catch(() => null)) === script) return; // unchanged: no write on every request
  const temp = `${target}.${randomUUID()}.tmp`;
  await mkdir(path.dirname(target), { recursive: true }); // absent when git's templates are
  await writeFile(temp, script, { mode: 0o755 });
  await chmod(temp, 0o755); // the umask may have narrowed the mode given to writeFile
  await rename(temp, target);
}
