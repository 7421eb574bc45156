import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BerthError } from '../../errors';
import type { GitHttpRequest, GitHttpResponse, HookEndpoint } from '../../ports/git-repos';
import { MAX_CGI_HEAD_BYTES, parseCgiHead } from './cgi-head';
import { isAppName } from './repo-paths';

export interface ServeGitHttpOptions {
  readonly reposDir: string;
  readonly snapshotsDir: string;
  readonly hook: HookEndpoint;
  readonly request: GitHttpRequest;
  readonly response: GitHttpResponse;
}

/** Time a killed git gets to clean up (lock files, quarantine) before SIGKILL. */
const KILL_GRACE_MS = 5000;
/** How much of git's stderr is kept for an error message. */
const STDERR_TAIL_BYTES = 4096;

/** Only `/<app>.git/…` reaches git: GIT_HTTP_EXPORT_ALL exports every folder under reposDir. */
function checkPath(pathInfo: string): void {
  const match = /^\/([^/]+)\.git(\/[A-Za-z0-9._/-]*)?$/.exec(pathInfo);
  if (!match || !isAppName(match[1]) || pathInfo.includes('..')) {
    throw new BerthError('NOT_FOUND', `${pathInfo} is not a berth repository path; use /git/<app>.git.`);
  }
}

/** No newlines or NULs in environment values (spawn refuses NUL; newlines would forge log lines). */
function clean(value: string | undefined): string {
  return (value ?? '').replace(/[\0\r\n]/g, '');
}

function cgiEnvironment(options: ServeGitHttpOptions): NodeJS.ProcessEnv {
  const { request } = options;
  const env: NodeJS.ProcessEnv = {
    // Only what git needs: berth's own environment (tokens, config) is not passed on.
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    GATEWAY_INTERFACE: 'CGI/1.1',
    GIT_PROJECT_ROOT: options.reposDir,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: request.pathInfo,
    QUERY_STRING: clean(request.query),
    REQUEST_METHOD: clean(request.method).toUpperCase(),
    REMOTE_ADDR: '127.0.0.1',
    BERTH_HOOK_URL: options.hook.url,
    BERTH_HOOK_SECRET: options.hook.secret,
    BERTH_SNAPSHOTS_DIR: options.snapshotsDir,
    BERTH_PUSH_USER: clean(request.remoteUser),
  };
  if (process.env.HOME) env.HOME = process.env.HOME;
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  if (request.remoteUser) env.REMOTE_USER = clean(request.remoteUser);
  if (request.contentType) env.CONTENT_TYPE = clean(request.contentType);
  // git inflates gzip request bodies itself when told.
  if (request.contentEncoding) env.HTTP_CONTENT_ENCODING = clean(request.contentEncoding);
  if (request.gitProtocol) env.GIT_PROTOCOL = clean(request.gitProtocol);
  return env;
}

/** Ends git and everything it started (receive-pack, the hook): it runs as its own process group. */
function killGroup(child: ChildProcessWithoutNullStreams): void {
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), KILL_GRACE_MS);
  timer.unref();
  child.once('exit', () => clearTimeout(timer));
}

/**
 * Runs `git http-backend` as a CGI for one request. The request body is piped to git and git's
 * output streamed back, so packs of any size pass through without being buffered. If the client
 * goes away first, git and its children are ended. Rejects (nothing written yet) when git fails
 * before sending headers; otherwise resolves when git has exited.
 */
export function serveGitHttp(options: ServeGitHttpOptions): Promise<void> {
  checkPath(options.request.pathInfo);
  const { request, response } = options;

  return new Promise((resolve, reject) => {
    const child = spawn('git', ['http-backend'], {
      env: cgiEnvironment(options),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // own process group, so an abort can end receive-pack and the hook too
    });

    let stderrTail = '';
    let head: Buffer = Buffer.alloc(0);
    let headersSent = false;
    let responseFinished = false;
    let exited = false;
    let failure: BerthError | null = null;

    const abort = (): void => {
      if (exited) return;
      killGroup(child);
      child.stdin.destroy();
      child.stdout.destroy();
    };

    child.stderr.on('data', (c: Buffer) => {
      stderrTail = (stderrTail + c.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    child.stdin.on('error', () => {
      // git may exit without reading the body (e.g. a 404); the pipe then breaks — harmless.
    });

    const onHeadData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const parsed = parseCgiHead(head);
      if (!parsed) {
        if (head.length > MAX_CGI_HEAD_BYTES) {
          failure = new BerthError('INTERNAL', 'git http-backend sent an oversized header block.');
          abort();
        }
        return;
      }
      child.stdout.pause();
      child.stdout.off('data', onHeadData);
      headersSent = true;
      response.writeHead(parsed.status, parsed.headers);
      if (parsed.rest.length > 0) response.body.write(parsed.rest);
      child.stdout.pipe(response.body);
    };
    child.stdout.on('data', onHeadData);

    response.body.once('finish', () => {
      responseFinished = true;
    });
    // The client went away (killed, timed out) before git was done: do not leave git waiting.
    response.body.once('close', () => {
      if (!responseFinished) abort();
    });
    request.body.once('error', abort);
    request.body.pipe(child.stdin);

    child.once('error', (err) => {
      exited = true;
      reject(new BerthError('INTERNAL', `git http-backend could not start: ${err.message}`, { cause: err }));
    });
    child.once('close', (code, signal) => {
      exited = true;
      // Drain a body git did not read, so the connection can finish cleanly.
      if (typeof (request.body as { resume?: () => void }).resume === 'function') {
        (request.body as { resume: () => void }).resume();
      }
      if (headersSent) {
        resolve();
        return;
      }
      const why = stderrTail.trim() || (signal ? `ended by ${signal}` : `exit code ${code}`);
      reject(failure ?? new BerthError('INTERNAL', `git http-backend failed before answering: ${why}`));
    });
  });
}
