import { access, mkdir, rename, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import { BerthError } from '../../errors';
import type { GitRepos, HookEndpoint } from '../../ports/git-repos';
import { writePreReceiveHook } from './hook-script';
import { serveGitHttp } from './http-backend';
import { serveGitStream } from './stream-service';
import { assertRevision, repoPath } from './repo-paths';
import { git, runGit } from './run-git';

export interface GitReposOptions {
  /** Where the bare repos live, one `<app>.git` folder each. */
  readonly reposDir: string;
  /** Where the hook writes the tar of each pushed tree; builds take them from there. */
  readonly snapshotsDir: string;
  /** Where the pre-receive hook posts pushed refs. */
  readonly hook: HookEndpoint;
  /** Branch HEAD names in a new repo (what `git clone` checks out). Default `main`. */
  readonly initialBranch?: string;
  /** The compiled hook client. Default: `hook-client.js` next to this file. */
  readonly hookClientPath?: string;
  /** The node binary the hook runs with. Default: `process.execPath`. */
  readonly nodePath?: string;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Below this, a push is refused before git starts: on a full disk git's own error ("unable to create
 * temporary object directory", "unpacker error") never says the disk is full. A push larger than what
 * is left still fails in git, with git's words.
 */
const MIN_FREE_BYTES = 8 * 1024 * 1024;

async function setConfig(dir: string, key: string, value: string): Promise<void> {
  const current = await runGit({ args: ['--git-dir', dir, 'config', '--get', key] });
  if (current.code === 0 && current.stdout.trim() === value) return;
  await git({ args: ['--git-dir', dir, 'config', key, value] });
}

/** Bare repos under `reposDir`, served over smart HTTP, each with berth's pre-receive hook. */
export function createGitRepos(options: GitReposOptions): GitRepos {
  const reposDir = path.resolve(options.reposDir);
  const snapshotsDir = path.resolve(options.snapshotsDir);
  const initialBranch = options.initialBranch ?? 'main';
  const hookScript = {
    nodePath: options.nodePath ?? process.execPath,
    clientPath: options.hookClientPath ?? path.join(__dirname, 'hook-client.js'),
  };
  // Concurrent ensureRepo calls for one app share one run: git's config lock would fail the second.
  const ensuring = new Map<string, Promise<void>>();

  async function createOrRepair(app: string): Promise<void> {
    const dir = repoPath(reposDir, app);
    await mkdir(reposDir, { recursive: true });
    if (!(await exists(path.join(dir, 'HEAD')))) {
      await git({ args: ['init', '--bare', '--quiet', `--initial-branch=${initialBranch}`, dir] });
    }
    // Force-pushes are allowed (as on dokku); receive-pack is on even without REMOTE_USER.
    // Written only when different: every fetch and push comes through here, and a full disk must
    // not turn a fetch (or the DISK_FULL answer to a push) into a failed config write.
    await setConfig(dir, 'receive.denyNonFastForwards', 'false');
    await setConfig(dir, 'http.receivepack', 'true');
    await writePreReceiveHook(dir, hookScript);
  }

  /** berth runs git as root, which may use the blocks ext4 reserves for root: count those too. */
  async function assertRoomToPush(): Promise<void> {
    // Before the first push the repos dir may not exist yet: the disk is its nearest existing parent's.
    let dir = reposDir;
    while (!(await exists(dir)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const disk = await statfs(dir);
    const free = disk.bfree * disk.bsize;
    if (free >= MIN_FREE_BYTES) return;
    throw new BerthError('DISK_FULL', `No space left on the disk holding berth's repositories (${reposDir}: ${(free / 2 ** 20).toFixed(1)} MiB free). Free some space (\`docker image prune\`, old logs under $BERTH_HOME/log) and push again; the deployed release keeps serving.`);
  }

  return {
    ensureRepo(app) {
      const running = ensuring.get(app);
      if (running) return running;
      const run = createOrRepair(app).finally(() => ensuring.delete(app));
      ensuring.set(app, run);
      return run;
    },

    async removeRepo(app) {
      await rm(repoPath(reposDir, app), { recursive: true, force: true });
    },

    /** A missing source is not an error: ensureRepo creates the repo under its new name later. */
    async renameRepo(from, to) {
      const source = repoPath(reposDir, from);
      const target = repoPath(reposDir, to);
      if (!(await exists(source))) return;
      if (await exists(target)) throw new BerthError('APP_EXISTS', `A repository for "${to}" exists already.`);
      await rename(source, target);
    },

    assertRoomToPush,

    serveHttp(request, response) {
      return serveGitHttp({ reposDir, snapshotsDir, hook: options.hook, request, response });
    },

    serveStream(request) {
      return serveGitStream({ reposDir, snapshotsDir, hook: options.hook, request });
    },

    async resolveRef(app, ref) {
      assertRevision(ref);
      const dir = repoPath(reposDir, app);
      if (!(await exists(dir))) return null;
      const result = await runGit({ args: ['--git-dir', dir, 'rev-parse', '--verify', '-q', ref] });
      if (result.code === 0) return result.stdout.trim();
      if (result.code === 1) return null; // -q: the ref does not exist
      throw new BerthError('INTERNAL', `git rev-parse failed: ${result.stderr.trim()}`);
    },

    async archive(app, sha, dest) {
      assertRevision(sha);
      const dir = repoPath(reposDir, app);
      if (!(await exists(dir))) throw new BerthError('APP_NOT_FOUND', `No repository for "${app}"; push to it first.`);
      await git({ args: ['--git-dir', dir, 'archive', '--format=tar', '-o', path.resolve(dest), sha] });
    },
  };
}
