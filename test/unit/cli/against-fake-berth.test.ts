import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeBerth, run } from './cli-harness';

const MAIN = path.resolve(__dirname, '../../../app/cli/main.js');
const TOKEN = 'tok-' + Math.random().toString(36).slice(2);
/** Runs bin/berth's target as its own process (async: the fake server lives in this one). */
function spawnCli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [MAIN, ...args], { env, encoding: 'utf8' }, (_err, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }));
  });
}

const BUILD = { id: 7, app: 'web', kind: 'release', status: 'queued', source: null, user: 'ann', error: null, releaseVersion: null, createdAt: '2025-01-01T00:00:00Z', startedAt: null, finishedAt: null };

describe('cli against a fake berth API', function () {
  this.timeout(10_000);
  let fake: FakeBerth;
  let url: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    fake = new FakeBerth();
    url = await fake.start();
    env = { BERTH_URL: url, BERTH_TOKEN: TOKEN, PATH: process.env.PATH ?? '' };
  });
  afterEach(() => fake.stop());

  it('apps:list prints a table, and the raw JSON with --json', async () => {
    const apps = [
      { name: 'web', createdAt: '2025-01-01T00:00:00Z', deployBranch: 'main', builder: 'dockerfile', buildpack: null, restartPolicy: 'unless-stopped', memoryMb: null, cpus: null, status: 'crashing' },
      { name: 'worker-long-name', createdAt: '2025-01-02T00:00:00Z', deployBranch: 'trunk', builder: null, buildpack: null, restartPolicy: 'no', memoryMb: 256, cpus: 1, status: 'not deployed' },
    ];
    fake.json('GET /api/v1/apps', 200, { apps });
    const r = await run(['apps:list'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [
      'NAME              STATUS        BRANCH  BUILDER     CREATED',
      'web               crashing      main    dockerfile  2025-01-01T00:00:00Z',
      'worker-long-name  not deployed  trunk   auto        2025-01-02T00:00:00Z',
      '',
    ].join('\n'));
    assert.equal(fake.seen[0].auth, `Bearer ${TOKEN}`);
    const j = await run(['apps:list', '--json'], env);
    assert.deepEqual(JSON.parse(j.stdout), { apps });
  });

  it('config:set sends the change, then follows the build log to its status line', async () => {
    fake.on('PATCH /api/v1/apps/web/config', (_req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ config: { A: '1', URL: 'x=y&z' }, changed: true, build: BUILD }));
      assert.deepEqual(body, { set: { A: '1', URL: 'x=y&z' }, restart: true });
    });
    fake.on('GET /api/v1/apps/web/builds/7/log?follow=1', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('-----> Releasing v3\n-----> Sta');
      setTimeout(() => { res.write('rting web.1\n'); }, 30);
      setTimeout(() => { res.end('-----> Healthy\n@@berth-status succeeded\n'); }, 60);
    });
    const r = await run(['config:set', 'web', 'A=1', 'URL=x=y&z'], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[1], /^-----> Build 7 queued; following its log/);
    assert.deepEqual(lines.slice(2), ['-----> Releasing v3', '-----> Starting web.1', '-----> Healthy', '']);
    assert.doesNotMatch(r.stdout, /@@berth-status/);
  });

  it('config:set exits 1 when the followed build fails, with the build\'s error', async () => {
    fake.json('PATCH /api/v1/apps/web/config', 200, { config: {}, changed: true, build: BUILD });
    fake.on('GET /api/v1/apps/web/builds/7/log?follow=1', (_req, res) => { res.end('boom\n@@berth-status failed\n'); });
    fake.json('GET /api/v1/apps/web/builds/7', 200, { build: { ...BUILD, status: 'failed', error: 'the health check timed out' } });
    const r = await run(['config:set', 'web', 'A=1', '--no-restart'], env);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '!     build 7 failed: the health check timed out\n');
    assert.deepEqual(fake.seen[0].body, { set: { A: '1' }, restart: false });
  });

  it('prints the API\'s message for a 422 and exits 1 (process exit code, JSON mode too)', async () => {
    const error = { code: 'INVALID_APP_NAME', message: 'App names are lowercase letters, digits and dashes, start with a letter, 1–63 characters.' };
    fake.json('POST /api/v1/apps', 422, { error });
    const r = await spawnCli(['apps:create', 'Bad_Name'], env);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `!     ${error.message}\n`);
    const j = await spawnCli(['apps:create', 'Bad_Name', '--json'], env);
    assert.equal(j.status, 1);
    assert.deepEqual(JSON.parse(j.stderr), { error });
  });

  it('config:get prints the bare value and exits 1 when unset; config:export quotes', async () => {
    fake.json('GET /api/v1/apps/web/config', 200, { config: { A: 'x y', Q: `it's` } });
    assert.deepEqual(await run(['config:get', 'web', 'A'], env), { code: 0, stdout: 'x y\n', stderr: '' });
    const missing = await run(['config:get', 'web', 'NOPE'], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, '!     NOPE is not set for web\n');
    assert.equal((await run(['config:export', 'web'], env)).stdout, `export A='x y'\nexport Q='it'\\''s'\n`);
  });

  it('apps:destroy without --confirm on a pipe refuses without calling the API', async () => {
    const r = await run(['apps:destroy', 'web'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /pass --confirm web/);
    assert.equal(fake.seen.length, 0);
    fake.on('DELETE /api/v1/apps/web?confirm=web', (_req, res) => { res.writeHead(204); res.end(); });
    assert.equal((await run(['apps:destroy', 'web', '--confirm', 'web'], env)).code, 0);
  });

  it('says berth is not reachable when nothing listens, and not logged in without credentials', async () => {
    await fake.stop();
    const r = await run(['apps:list'], env);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `!     berth is not reachable at ${url} — is it running? (deploy/install.sh starts it)\n`);
    fake = new FakeBerth(); // for afterEach
    await fake.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-'));
    try {
      const none = await run(['apps:list'], { XDG_CONFIG_HOME: dir });
      assert.equal(none.stderr, '!     not logged in: run `berth login https://<berth\'s address>` (or `berth login --token <token>` on the server)\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('login checks the token, then stores host and token with mode 0600', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-'));
    try {
      fake.on('GET /api/v1/apps', (req, res) => {
        const ok = req.headers.authorization === `Bearer ${TOKEN}`;
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { apps: [] } : { error: { code: 'UNAUTHENTICATED', message: 'bad token' } }));
      });
      const bad = await run(['login', '--host', `${url}/`, '--token', 'wrong'], { XDG_CONFIG_HOME: dir });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /refused the token: bad token/);
      const file = path.join(dir, 'berth', 'config.json');
      assert.equal(fs.existsSync(file), false);
      const good = await run(['login', '--host', `${url}/`], { XDG_CONFIG_HOME: dir }, { stdin: `${TOKEN}\n` });
      assert.equal(good.code, 0, good.stderr);
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { current: 'default', remotes: { default: { host: url, token: TOKEN } } });
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal((await run(['apps:list', '--json'], { XDG_CONFIG_HOME: dir })).code, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('git:remote adds the remote and approves the token with git\'s credential store', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-home-'));
    const repo = path.join(home, 'app');
    const gitEnv = { ...env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1' };
    try {
      fs.mkdirSync(repo);
      execFileSync('git', ['init', '-q'], { cwd: repo, env: gitEnv });
      fake.json('GET /api/v1/apps/web', 200, { app: { name: 'web', deployBranch: 'trunk' } });
      const r = await run(['git:remote', 'web'], gitEnv, { cwd: repo });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /git push paas trunk/);
      const git = (args: string[], input?: string): string => execFileSync('git', args, { cwd: repo, env: gitEnv, encoding: 'utf8', input }).trim();
      assert.equal(git(['remote', 'get-url', 'paas']), `${url}/git/web.git`);
      // What git itself will send when pushing to the remote:
      const filled = git(['credential', 'fill'], `url=${url}/git/web.git\n\n`);
      assert.match(filled, new RegExp(`^username=berth$`, 'm'));
      assert.match(filled, new RegExp(`^password=${TOKEN}$`, 'm'));
      assert.equal(fs.statSync(path.join(home, '.git-credentials')).mode & 0o777, 0o600);
      const again = await run(['git:remote', 'web'], gitEnv, { cwd: repo });
      assert.match(again.stdout, /Updated git remote paas/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
