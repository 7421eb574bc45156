/**
 * berth's pre-receive hook, run by git (hooks/pre-receive execs node on this file) inside the
 * bare repo with git's quarantine environment. For each updated ref it snapshots the pushed
 * tree, posts the ref to berth and relays berth's answer live; the push is accepted only if
 * berth ends with exit code 0. Imports only node and the protocol, to start fast.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { isZeroSha, parseRefUpdates } from './hook-protocol';
import { postRef } from './hook-post';
import { writeSnapshot } from './hook-snapshot';

function out(text: string): void {
  process.stdout.write(text);
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.once('error', reject);
  });
}

/** git runs the hook with the bare repo as cwd and GIT_DIR relative to it (usually `.`). */
export function appFromGitDir(gitDir: string, cwd: string): string {
  return path.basename(path.resolve(cwd, gitDir)).replace(/\.git$/, '');
}

async function main(env: NodeJS.ProcessEnv): Promise<number> {
  const url = env.BERTH_HOOK_URL;
  const snapshotsDir = env.BERTH_SNAPSHOTS_DIR;
  if (!url || !snapshotsDir) {
    out('berth: this repository accepts pushes only through berth (git push to its /git/<app>.git URL).\n');
    return 1;
  }
  const updates = parseRefUpdates(await readStdin());
  const app = appFromGitDir(env.GIT_DIR ?? '.', process.cwd());

  for (const update of updates) {
    const snapshotPath = isZeroSha(update.newSha) ? '' : await writeSnapshot({ sha: update.newSha, dir: snapshotsDir });
    const result = await postRef({
      url,
      secret: env.BERTH_HOOK_SECRET ?? '',
      payload: { app, ref: update.ref, oldSha: update.oldSha, newSha: update.newSha, snapshotPath, user: env.BERTH_PUSH_USER ?? '' },
      out,
    });
    if (!result.answered && snapshotPath) await rm(snapshotPath, { force: true });
    // One rejected ref rejects the whole push (pre-receive is all or nothing), so stop here.
    if (result.code !== 0) return result.code;
  }
  return 0;
}

if (require.main === module) {
  // The pusher hung up (receive-pack is gone): nobody is left to tell anything to.
  process.stdout.on('error', () => process.exit(1));
  main(process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      out(`berth hook failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
