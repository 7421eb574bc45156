import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { isBerthError, STATUS_FOR_KIND } from '../../app/errors';
import { createGitRepos, hookResponseWriter, readHookRequest, HOOK_SECRET_HEADER } from '../../app/infra/git';
import type { GitRepos, PushedRef } from '../../app/ports/git-repos';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const SECRET = randomBytes(16).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe('git transport (real git over smart HTTP)', function () {
  this.timeout(60000);

  let root: string;
  let reposDir: string;
  let snapshotsDir: string;
  let server: Server;
  let base: string;
  let repos: GitRepos;
  let gitEnv: NodeJS.ProcessEnv;
  let inflight = 0;
  const hookCalls: Array<PushedRef & { user: string }> = [];
  const hungHooks: Array<Promise<void>> = [];

  const git = (cwd: string, ...args: string[]) =>
    run('git', ['-c', 'user.name=berth-test', '-c', 'user.email=test@berth.invalid', ...args], { cwd, env: gitEnv });

  function appName(prefix: string): string {
    return `${prefix}-${randomBytes(4).toString('hex')}`;
  }

  /** A fresh work tree with one commit of app.txt; returns its folder. */
  async function workTree(content: string): Promise<string> {
    const dir = await mkdtemp(path.join(root, 'work-'));
    assert.equal((await git(dir, 'init', '-q', '-b', 'main')).code, 0);
    await commit(dir, content, 'first');
    return dir;
  }

  async function commit(dir: string, content: string, message: string, amend = false): Promise<string> {
    await writeFile(path.join(dir, 'app.txt'), content);
    assert.equal((await git(dir, 'add', 'app.txt')).code, 0);
    const done = await git(dir, 'commit', '-q', ...(amend ? ['--amend'] : []), '-m', message);
    assert.equal(done.code, 0, done.stderr);
    return (await git(dir, 'rev-parse', 'HEAD')).stdout.trim();
  }

  async function remoteSha(url: string, ref: string): Promise<string | null> {
    const listed = await git(root, 'ls-remote', url, ref);
    assert.equal(listed.code, 0, listed.stderr);
    const line = listed.stdout.split('\n').find((l) => l.endsWith(`\t${ref}`));
    return line ? line.split('\t')[0] : null;
  }

  /** Serves `/git*` with the given repos, the way berth's http layer maps requests. */
  function gitRoute(target: () => GitRepos) {
    return (req: Request, res: Response, next: NextFunction) => {
      inflight += 1;
      const q = req.url.indexOf('?');
      target()
        .serveHttp(
          {
            method: req.method,
            pathInfo: q < 0 ? req.url : req.url.slice(0, q),
            query: q < 0 ? '' : req.url.slice(q + 1),
            contentType: req.get('content-type'),
            contentEncoding: req.get('content-encoding'),
            gitProtocol: req.get('git-protocol'),
            body: req,
            remoteUser: 'tester',
          },
          { writeHead: (status, headers) => res.writeHead(status, headers), body: res },
        )
        .then(undefined, next)
        .finally(() => (inflight -= 1));
    };
  }

  /** Set by the streaming test: resolves once the pusher has shown the hook's first line. */
  let firstLineSeen: Promise<void> | null = null;

  /** The stub of berth's hook endpoint: checks the snapshot, streams a few lines, decides. */
  async function hook(req: Request, res: Response): Promise<void> {
    if (req.get(HOOK_SECRET_HEADER) !== SECRET) {
      res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'wrong hook secret' } });
      return;
    }
    const pushed = readHookRequest(req.body, { snapshotsDir });
    hookCalls.push(pushed);
    res.type('text/plain');
    const out = hookResponseWriter((s) => res.write(s));
    if (pushed.snapshotPath === '') {
      out.line(`-----> deleted ${pushed.ref}`);
      out.exit(0);
      res.end();
      return;
    }
    const listing = await run('tar', ['-tf', pushed.snapshotPath]);
    const content = (await run('tar', ['-xOf', pushed.snapshotPath, 'app.txt'])).stdout;
    await rm(pushed.snapshotPath, { force: true });
    if (!listing.stdout.split('\n').includes('app.txt')) {
      out.line('!     the snapshot has no app.txt');
      out.exit(1);
      res.end();
      return;
    }
    out.line(`-----> berth got ${pushed.app} ${pushed.ref} ${pushed.newSha.slice(0, 7)} from ${pushed.user}`);
    // The streaming test arms firstLineSeen: the hook goes on only once the pusher has printed the
    // first line, which it can only do if lines are streamed (buffered ones arrive at the end).
    if (firstLineSeen) {
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([firstLineSeen.then(() => false), new Promise<boolean>((r) => { timer = setTimeout(() => r(true), 10_000); })]);
      clearTimeout(timer);
      if (late) out.line('!     the first line never reached the pusher');
    }
    out.line('-----> building');
    if (content.includes('hang')) {
      out.line('-----> hanging');
      hungHooks.push(new Promise((resolve) => res.once('close', () => resolve())));
      return; // never answers; the pusher is killed
    }
    if (content.includes('reject')) {
      out.line('!     rejected by the test hook');
      out.exit(1);
    } else {
      out.line('-----> done');
      out.exit(0);
    }
    res.end();
  }

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'berth-git-'));
    reposDir = path.join(root, 'repos');
    snapshotsDir = path.join(root, 'snapshots');
    const home = path.join(root, 'home');
    await mkdir(home);
    gitEnv = { ...process.env, HOME: home, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' };

    // A port with nobody listening, for the "berth is down" case.
    const dead = express().listen(0, '127.0.0.1');
    await new Promise((r) => dead.once('listening', r));
    const deadPort = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));

    let reachable: GitRepos | undefined;
    let unreachable: GitRepos | undefined;
    let wrongSecret: GitRepos | undefined;
    const app = express();
    app.use('/git-dead', gitRoute(() => unreachable!));
    app.use('/git-wrong-secret', gitRoute(() => wrongSecret!));
    app.use('/git', gitRoute(() => reachable!));
    app.post('/hook', express.json(), hook);
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const status = isBerthError(err) ? STATUS_FOR_KIND[err.kind] : 500;
      if (!res.headersSent) res.status(status).json({ error: { message: String((err as Error).message) } });
      else res.end();
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    reachable = createGitRepos({ reposDir, snapshotsDir, hook: { url: `${base}/hook`, secret: SECRET } });
    unreachable = createGitRepos({ reposDir, snapshotsDir, hook: { url: `http://127.0.0.1:${deadPort}/hook`, secret: SECRET } });
    wrongSecret = createGitRepos({ reposDir, snapshotsDir, hook: { url: `${base}/hook`, secret: 'nope' } });
    repos = reachable;
  });

  after(async () => {
    await new Promise((r) => server.close(r));
    await rm(root, { recursive: true, force: true });
  });

  it('creates a bare repo with the hook, idempotently', async () => {
    const app = appName('init');
    await Promise.all([repos.ensureRepo(app), repos.ensureRepo(app)]);
    await repos.ensureRepo(app);
    const dir = path.join(reposDir, `${app}.git`);
    const config = await run('git', ['--git-dir', dir, 'config', '--list', '--local']);
    assert.match(config.stdout, /receive.denynonfastforwards=false/);
    assert.match(config.stdout, /http.receivepack=true/);
    const hookFile = await run('cat', [path.join(dir, 'hooks', 'pre-receive')]);
    assert.match(hookFile.stdout, /^#!\/bin\/sh\n[\s\S]*\nexec '/);
    assert.match(hookFile.stdout, /hook-client\.js/);
    assert.equal(await repos.resolveRef(app, 'refs/heads/main'), null);
  });

  it('pushes main: streams the hook live as remote lines and updates the ref', async () => {
    const app = appName('push');
    await repos.ensureRepo(app);
    const url = `${base}/git/${app}.git`;
    const dir = await workTree('hello\n');
    const sha = (await git(dir, 'rev-parse', 'HEAD')).stdout.trim();

    let seen = (): void => undefined;
    firstLineSeen = new Promise((r) => { seen = r; });
    const push = spawn('git', ['push', url, 'main'], { cwd: dir, env: gitEnv });
    let stderr = '';
    push.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes('remote: -----> berth got')) seen();
    });
    const code = await new Promise<number | null>((r) => push.once('close', r)).finally(() => { firstLineSeen = null; });

    assert.equal(code, 0, stderr);
    assert.match(stderr, new RegExp(`remote: -----> berth got ${app} refs/heads/main ${sha.slice(0, 7)} from tester`));
    assert.match(stderr, /remote: -----> building[\s\S]*remote: -----> done/);
    assert.doesNotMatch(stderr, /@@berth-exit/);
    assert.doesNotMatch(stderr, /the first line never reached the pusher/, 'the hook\'s lines were not streamed');
    assert.equal(await remoteSha(url, 'refs/heads/main'), sha);
    assert.equal(await repos.resolveRef(app, 'refs/heads/main'), sha);
    assert.equal(await repos.resolveRef(app, 'refs/heads/nope'), null);

    const last = hookCalls[hookCalls.length - 1];
    assert.deepEqual({ ...last, snapshotPath: '' }, { app, ref: 'refs/heads/main', oldSha: '0'.repeat(40), newSha: sha, snapshotPath: '', user: 'tester' });
    assert.ok(last.snapshotPath.startsWith(snapshotsDir + path.sep));
  });

  it('rejects a push when the hook exits 1, leaving the ref unchanged', async () => {
    const app = appName('reject');
    await repos.ensureRepo(app);
    const url = `${base}/git/${app}.git`;
    const dir = await workTree('hello\n');
    assert.equal((await git(dir, 'push', '-q', url, 'main')).code, 0);
    const before = await remoteSha(url, 'refs/heads/main');

    await commit(dir, 'please reject\n', 'second');
    const pushed = await git(dir, 'push', url, 'main');
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.stderr, /remote: !     rejected by the test hook/);
    assert.match(pushed.stderr, /pre-receive hook declined/);
    assert.equal(await remoteSha(url, 'refs/heads/main'), before);
  });

  it('accepts a force-push of rewritten history, and deletes refs', async () => {
    const app = appName('force');
    await repos.ensureRepo(app);
    const url = `${base}/git/${app}.git`;
    const dir = await workTree('one\n');
    assert.equal((await git(dir, 'push', '-q', url, 'main', 'main:feature')).code, 0);

    const rewritten = await commit(dir, 'one, rewritten\n', 'first again', true);
    assert.notEqual((await git(dir, 'push', url, 'main')).code, 0, 'a non-fast-forward push without --force');
    const forced = await git(dir, 'push', '--force', url, 'main');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await remoteSha(url, 'refs/heads/main'), rewritten);

    const deleted = await git(dir, 'push', url, ':feature');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stderr, /remote: -----> deleted refs\/heads\/feature/);
    assert.equal(await remoteSha(url, 'refs/heads/feature'), null);
    const call = hookCalls[hookCalls.length - 1];
    assert.equal(call.newSha, '0'.repeat(40));
    assert.equal(call.snapshotPath, '');
  });

  it('clones over HTTP and archives a commit', async () => {
    const app = appName('clone');
    await repos.ensureRepo(app);
    const url = `${base}/git/${app}.git`;
    const dir = await workTree('cloned content\n');
    assert.equal((await git(dir, 'push', '-q', url, 'main')).code, 0);

    const target = path.join(root, `clone-${app}`);
    const cloned = await git(root, 'clone', '-q', url, target);
    assert.equal(cloned.code, 0, cloned.stderr);
    assert.equal((await run('cat', [path.join(target, 'app.txt')])).stdout, 'cloned content\n');

    const sha = await repos.resolveRef(app, 'refs/heads/main');
    assert.ok(sha);
    const tarFile = path.join(root, `${app}.tar`);
    await repos.archive(app, sha, tarFile);
    assert.equal((await run('tar', ['-xOf', tarFile, 'app.txt'])).stdout, 'cloned content\n');
  });

  it('runs two pushes of different repos at once', async () => {
    const apps = [appName('both'), appName('both')];
    const results = await Promise.all(
      apps.map(async (app) => {
        await repos.ensureRepo(app);
        const dir = await workTree(`content of ${app}\n`);
        const sha = (await git(dir, 'rev-parse', 'HEAD')).stdout.trim();
        const pushed = await git(dir, 'push', `${base}/git/${app}.git`, 'main');
        return { app, sha, pushed };
      }),
    );
    for (const { app, sha, pushed } of results) {
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.match(pushed.stderr, new RegExp(`remote: -----> berth got ${app} `));
      assert.equal(await remoteSha(`${base}/git/${app}.git`, 'refs/heads/main'), sha);
    }
  });

  it('says so when berth is not reachable, and rejects the push', async () => {
    const app = appName('down');
    await repos.ensureRepo(app);
    const dir = await workTree('hello\n');
    const before = new Set(existsSync(snapshotsDir) ? await readdir(snapshotsDir) : []);
    const pushed = await git(dir, 'push', `${base}/git-dead/${app}.git`, 'main');
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.stderr, /remote: berth is not reachable at http:\/\/127\.0\.0\.1:\d+\/hook — is it running\?/);
    assert.equal(await repos.resolveRef(app, 'refs/heads/main'), null);
    const left = (await readdir(snapshotsDir)).filter((f) => !before.has(f));
    assert.deepEqual(left, [], 'the unused snapshot is removed');
  });

  it('shows berth refusing the hook request (wrong secret)', async () => {
    const app = appName('secret');
    await repos.ensureRepo(app);
    const dir = await workTree('hello\n');
    const pushed = await git(dir, 'push', `${base}/git-wrong-secret/${app}.git`, 'main');
    assert.notEqual(pushed.code, 0);
    assert.match(pushed.stderr, /remote: berth refused the push \(HTTP 401\): wrong hook secret/);
  });

  it('ends git when the pusher is killed mid-push', async () => {
    const app = appName('abort');
    await repos.ensureRepo(app);
    const dir = await workTree('hang please\n');
    const push = spawn('git', ['push', `${base}/git/${app}.git`, 'main'], { cwd: dir, env: gitEnv, detached: true });
    const closed = new Promise((r) => push.once('close', r));
    await new Promise<void>((resolve) => {
      let stderr = '';
      push.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('remote: -----> hanging')) resolve();
      });
    });
    assert.equal(inflight, 1);
    process.kill(-(push.pid as number), 'SIGKILL');
    await closed;

    const deadline = Date.now() + 15000;
    while (inflight > 0 && Date.now() < deadline) await sleep(50);
    assert.equal(inflight, 0, 'git http-backend is still running');
    await Promise.race([Promise.all(hungHooks), sleep(10000).then(() => assert.fail('the hook client still holds its request'))]);
    assert.equal(await repos.resolveRef(app, 'refs/heads/main'), null);
  });

  it('answers 404 for paths that are not berth repos', async () => {
    for (const p of ['/git/Bad.git/info/refs', '/git/x/../../etc/info/refs', '/git/notagit/info/refs']) {
      const res = await fetch(`${base}${p}?service=git-upload-pack`);
      assert.equal(res.status, 404, p);
    }
    const missing = await fetch(`${base}/git/${appName('missing')}.git/info/refs?service=git-upload-pack`);
    assert.equal(missing.status, 404);
  });

  it('has room to push on this disk, also before the repos folder exists (it is made by the first push)', async () => {
    const fresh = createGitRepos({ reposDir: path.join(root, `not-yet-${randomBytes(3).toString('hex')}`, 'repos'), snapshotsDir, hook: { url: `${base}/hook`, secret: SECRET } });
    await fresh.assertRoomToPush();
    await repos.assertRoomToPush();
  });

  it('renames and removes repos', async () => {
    const from = appName('old');
    const to = appName('new');
    await repos.ensureRepo(from);
    await repos.renameRepo(from, to);
    assert.equal(existsSync(path.join(reposDir, `${from}.git`)), false);
    assert.equal(existsSync(path.join(reposDir, `${to}.git`, 'HEAD')), true);
    await repos.removeRepo(to);
    await repos.removeRepo(to);
    assert.equal(existsSync(path.join(reposDir, `${to}.git`)), false);
  });
});
