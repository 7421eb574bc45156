import { spawn } from 'node:child_process';
import type { GitStreamRequest, HookEndpoint } from '../../ports/git-repos';
import { repoPath } from './repo-paths';

/** Time a killed git gets to clean up (lock files, quarantine) before SIGKILL. */
const KILL_GRACE_MS = 5000;

const clean = (value: string | undefined): string => (value ?? '').replace(/[\0\r\n]/g, '');

/**
 * Runs `git-upload-pack` / `git-receive-pack` on an app's bare repo over plain byte streams
 * (the SSH transport). The environment is the one the HTTP backend gives git, so the
 * pre-receive hook calls back to berth and streams the build the same way.
 */
export function serveGitStream(o: { reposDir: string; snapshotsDir: string; hook: HookEndpoint; request: GitStreamRequest }): Promise<number> {
  const { request } = o;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    BERTH_HOOK_URL: o.hook.url,
    BERTH_HOOK_SECRET: o.hook.secret,
    BERTH_SNAPSHOTS_DIR: o.snapshotsDir,
    BERTH_PUSH_USER: clean(request.user),
    REMOTE_USER: clean(request.user),
  };
  if (process.env.HOME) env.HOME = process.env.HOME;
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  if (request.gitProtocol) env.GIT_PROTOCOL = clean(request.gitProtocol);

  return new Promise((resolve, reject) => {
    const child = spawn(request.service, [repoPath(o.reposDir, request.app)], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const killGroup = (): void => {
      const send = (s: NodeJS.Signals) => { try { process.kill(-(child.pid as number), s); } catch { /* gone */ } };
      send('SIGTERM');
      const t = setTimeout(() => send('SIGKILL'), KILL_GRACE_MS);
      t.unref();
      child.once('exit', () => clearTimeout(t));
    };
    const onAbort = (): void => { if (child.exitCode === null) killGroup(); };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdin.on('error', () => undefined);
    request.stdin.pipe(child.stdin);
    child.stdout.pipe(request.stdout, { end: false });
    child.stderr.pipe(request.stderr, { end: false });
    child.once('error', reject);
    child.once('close', (code) => {
      request.signal?.removeEventListener('abort', onAbort);
      request.stdin.unpipe(child.stdin);
      resolve(code ?? 1);
    });
  });
}
