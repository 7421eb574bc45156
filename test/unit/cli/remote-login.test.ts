import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appOfRemoteUrl } from '../../../app/cli/infer-app';
import { FakeBerth, run } from './cli-harness';

/** berth from a laptop (issue 20): password login, named remotes, the app from the `paas` remote. */
describe('cli: login by password, named remotes, app from the paas remote', function () {
  this.timeout(10_000);
  let fake: FakeBerth;
  let url: string;
  let dir: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    fake = new FakeBerth();
    url = await fake.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-remote-'));
    env = { XDG_CONFIG_HOME: dir, HOME: dir, PATH: process.env.PATH ?? '', GIT_CONFIG_NOSYSTEM: '1' };
  });
  afterEach(async () => { await fake.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

  const tokenFor = (token: string) => (route: string) => fake.on(route, (req, res) => {
    const ok = req.headers.authorization === `Bearer ${token}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { apps: [] } : { error: { code: 'UNAUTHENTICATED', message: 'bad token' } }));
  });

  it('login <url> --user trades the password from stdin for a token named for this machine, and stores that token', async () => {
    fake.on('POST /login/token', (_req, res, body) => {
      const b = body as { username: string; password: string; name: string };
      const ok = b.username === 'ann' && b.password === 'pass word 1';
      res.writeHead(ok ? 201 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { user: 'ann', name: b.name, token: 'tok-ann' } : { error: { code: 'LOGIN_FAILED', message: 'Wrong user name or password.' } }));
    });
    tokenFor('tok-ann')('GET /api/v1/apps');
    const wrong = await run(['login', url, '--user', 'ann'], env, { stdin: 'nope\n' });
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr, '!     Wrong user name or password.\n');
    const r = await run(['login', `${url}/`, '--user', 'ann'], env, { stdin: 'pass word 1\n' });
    assert.equal(r.code, 0, r.stderr);
    const sent = fake.seen.filter((s) => s.url === '/login/token').map((s) => s.body as { name: string })[1];
    assert.match(sent.name, /^cli-[A-Za-z0-9-]{0,24}-[0-9a-f]{6}$/);
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'berth', 'config.json'), 'utf8'));
    assert.deepEqual(stored, { current: 'default', remotes: { default: { host: url, token: 'tok-ann' } } });
  });

  it('keeps several berths as named remotes; BERTH_REMOTE and remotes:use pick one; an old {host,token} file is the remote "default"', async () => {
    const other = new FakeBerth();
    const otherUrl = await other.start();
    try {
      fs.mkdirSync(path.join(dir, 'berth'));
      fs.writeFileSync(path.join(dir, 'berth', 'config.json'), JSON.stringify({ host: url, token: 'tok-one' }));
      tokenFor('tok-one')('GET /api/v1/apps');
      other.on('GET /api/v1/apps', (req, res) => {
        res.writeHead(req.headers.authorization === 'Bearer tok-two' ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ apps: [{ name: 'on-two', createdAt: '2025-01-01T00:00:00Z', deployBranch: 'main', builder: null, buildpack: null }] }));
      });
      assert.equal((await run(['login', otherUrl, '--remote', 'prod', '--token', 'tok-two'], env)).code, 0);
      const listed = await run(['remotes'], env);
      assert.equal(listed.stdout, `  default  ${url}\n* prod  ${otherUrl}\n`);
      assert.match((await run(['apps:list'], env)).stdout, /on-two/);
      assert.equal((await run(['apps:list', '--json'], { ...env, BERTH_REMOTE: 'default' })).stdout.trim(), '{\n  "apps": []\n}');
      const missing = await run(['apps:list'], { ...env, BERTH_REMOTE: 'staging' });
      assert.equal(missing.stderr, '!     no remote "staging": `berth remotes` lists them; add it with `berth login <url> --remote staging`\n');
      assert.equal((await run(['remotes:use', 'default'], env)).code, 0);
      assert.equal((await run(['apps:list', '--json'], env)).stdout.trim(), '{\n  "apps": []\n}');
    } finally {
      await other.stop();
    }
  });

  it('--ca-file is stored as an absolute path, so it names the same file from any directory', async () => {
    tokenFor('tok-ca')('GET /api/v1/apps');
    fs.writeFileSync(path.join(dir, 'ca.pem'), 'not read over http\n');
    assert.equal((await run(['login', url, '--token', 'tok-ca', '--ca-file', 'ca.pem'], env, { cwd: dir })).code, 0);
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'berth', 'config.json'), 'utf8'));
    assert.deepEqual(stored.remotes.default, { host: url, token: 'tok-ca', caFile: path.join(dir, 'ca.pem') });
  });

  it('an app verb without its app takes it from the repo\'s paas remote; -a overrides; a named app stays', async () => {
    const repo = path.join(dir, 'app');
    fs.mkdirSync(repo);
    execFileSync('git', ['init', '-q'], { cwd: repo, env });
    execFileSync('git', ['remote', 'add', 'paas', 'https://berth.example.test/git/from-remote.git'], { cwd: repo, env });
    for (const app of ['from-remote', 'other', 'named']) fake.json(`GET /api/v1/apps/${app}/config`, 200, { config: { APP: app } });
    const full = { ...env, BERTH_URL: url, BERTH_TOKEN: 't' };
    assert.equal((await run(['config:get', 'APP'], full, { cwd: repo })).stdout, 'from-remote\n');
    assert.equal((await run(['config:get', '-a', 'other', 'APP'], full, { cwd: repo })).stdout, 'other\n');
    assert.equal((await run(['config:get', 'named', 'APP'], full, { cwd: repo })).stdout, 'named\n');
    // Outside a repo nothing is inferred: the usage error names the missing argument.
    assert.match((await run(['config:get', 'APP'], full, { cwd: dir })).stderr, /config:get needs <KEY>/);
  });

  it('reads the app from each form of berth push URL, and nothing from other URLs', () => {
    assert.equal(appOfRemoteUrl('https://berth.example.com/git/shop.git\n'), 'shop');
    assert.equal(appOfRemoteUrl('http://127.0.0.1:8380/git/a-1.git'), 'a-1');
    assert.equal(appOfRemoteUrl('ssh://berth@berth.example.com:2222/shop'), 'shop');
    assert.equal(appOfRemoteUrl('berth@berth.example.com:shop'), 'shop');
    assert.equal(appOfRemoteUrl('git@github.com:owner/repo.git'), null);
    assert.equal(appOfRemoteUrl('https://github.com/owner/repo.git'), null);
    assert.equal(appOfRemoteUrl('https://berth.example.com/git/Bad_Name.git'), null);
  });
});

describe('cli: a password typed on a terminal', () => {
  it('is read without being echoed; the question is shown', async () => {
    const { Output } = await import('../../../app/cli/output');
    const { Capture } = await import('./cli-harness');
    const { PassThrough } = await import('node:stream');
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
    const stderr = Object.assign(new Capture(), { isTTY: true });
    const out = new Output({ stdout: new Capture(), stderr, stdin, env: {}, cwd: process.cwd() });
    const answer = out.ask('Password for ann: ', { hidden: true });
    stdin.write('s3cret words\r');
    assert.equal(await answer, 's3cret words');
    assert.ok(stderr.text.includes('Password for ann: '), stderr.text);
    assert.equal(stderr.text.includes('s3cret'), false, stderr.text);
  });
});
