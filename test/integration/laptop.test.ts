import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { Laptop, makeTestCa } from '../support/laptop-netns';
import { waitFor } from '../support/poll';
import { CHROMIUM, requireChromium } from '../e2e/support/browser';

const HOSTNAME = 'berth.test';
const PASSWORD = 'laptop dev password';

/**
 * berth from another machine (issue 20): berth has its own address (BERTH_HOSTNAME) with a
 * certificate from a test CA; a "laptop" in its own network namespace installs the packed CLI,
 * logs in over HTTPS, pushes over HTTPS and SSH, reads logs and opens the dashboard in chromium.
 */
describe('berth from a laptop: HTTPS address, packed CLI, push over HTTPS and SSH', function () {
  this.timeout(600_000);
  let laptop: Laptop;
  let tls: { ca: string; cert: string; key: string };
  let base = '';
  let sshPort = 0;
  const dev = uniqueName('ldev');
  const mine = uniqueName('lmine');
  const theirs = uniqueName('ltheirs');
  const checkout = () => path.join(laptop.home, 'app');
  const berthCli = (args: string[], input?: string) => laptop.run('berth', args, { cwd: checkout(), input });
  const git = (args: string[], env: Record<string, string> = {}) => laptop.run('git', args, { cwd: checkout(), env });
  /** The login limiter's count of failed logins from `address` (Redis), '' when none. */
  const counter = (address: string) => spawnSync('redis-cli', ['-u', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'GET',
    `${berth.env.BERTH_REDIS_PREFIX}:counter:login-address:${encodeURIComponent(address)}`], { encoding: 'utf8' }).stdout.trim();
  const sshCommand = () => `ssh -i ${path.join(laptop.home, 'id_ed25519')} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o LogLevel=ERROR -F /dev/null`;

  // Web and SSH listen everywhere here, so the laptop reaching the web port proves berth itself refuses it.
  const berth = useBerth(() => ({ BERTH_HOSTNAME: HOSTNAME, BERTH_TLS_CERT: tls.cert, BERTH_TLS_KEY: tls.key, BERTH_HOST: '0.0.0.0', BERTH_SSH_HOST: '0.0.0.0' }), {
    setUp: () => {
      requireChromium();
      laptop = new Laptop();
      tls = makeTestCa(fs.mkdtempSync(path.join(laptop.home, 'ca-')), HOSTNAME);
      laptop.start([HOSTNAME]);
    },
  });
  before(async () => {
    base = `https://${HOSTNAME}:${berth.env.BERTH_ROUTER_HTTPS_PORT}`;
    sshPort = Number(berth.env.BERTH_SSH_PORT);
    const add = berth.cli(['users:add', dev, '--role', 'developer', '--password'], { input: PASSWORD });
    assert.equal(add.code, 0, add.stderr);
    for (const app of [mine, theirs]) assert.equal(berth.cli(['apps:create', app]).code, 0);
    assert.equal(berth.cli(['apps:collaborators:add', mine, dev]).code, 0);
  });
  after(async () => {
    laptop?.stop();
  });

  it('plain HTTP to berth\'s hostname redirects to HTTPS; the web port refuses clients that are not on the host', async () => {
    const http = await laptop.run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', `http://${HOSTNAME}:${berth.routerPort}/apps?x=1`]);
    assert.equal(http.stdout, `301 ${base}/apps?x=1`);
    const internal = await laptop.run('curl', ['-sS', '-w', '\n%{http_code}', `http://${laptop.hostAddr}:${berth.port}/healthz`]);
    assert.equal(internal.stdout, `{"error":{"code":"LOOPBACK_ONLY","message":"berth's web port answers this host only; use ${base}/ instead."}}\n403`);
  });

  it("domains:report-global shows berth's own address and that the install sets it (global domains name apps)", () => {
    const r = berth.cli(['domains:report-global']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `=====> Global domains\n-\nberth's own address: ${base}/ (set on the server by deploy/install.sh --hostname, not by global domains)\n`);
  });

  it('installs the packed CLI from its tarball and logs in over HTTPS with a user name and password (the test CA given)', async () => {
    const pack = execFileSync(process.execPath, [path.join(ROOT, 'deploy/pack-cli.js'), laptop.home], { encoding: 'utf8' }).trim();
    const install = await laptop.run('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', path.join(laptop.home, 'prefix'), pack]);
    assert.equal(install.code, 0, install.stderr);
    assert.equal(fs.realpathSync(path.join(laptop.home, 'prefix/bin/berth')), path.join(laptop.home, 'prefix/lib/node_modules/berth-cli/bin/berth'));
    fs.mkdirSync(checkout());
    const untrusted = await berthCli(['login', base, '--user', dev], PASSWORD);
    assert.equal(untrusted.stderr, `!     berth's certificate at ${base} is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE): give its CA with --ca-file <pem> or BERTH_CA_FILE\n`);
    // A wrong password counts against the laptop's own address (trust proxy: the router's X-Forwarded-For), not the router's.
    const wrong = await berthCli(['login', base, '--user', dev, '--ca-file', tls.ca], 'not the password');
    assert.equal(wrong.stderr, '!     Wrong user name or password.\n');
    assert.deepEqual([counter(laptop.addr), counter('127.0.0.1')], ['1', '']);
    const login = await berthCli(['login', base, '--user', dev, '--ca-file', tls.ca], PASSWORD);
    assert.equal(login.code, 0, login.stderr);
    assert.equal(login.stdout, `-----> Logged in to ${base}; credentials saved in ${path.join(laptop.home, '.config/berth/config.json')}\n`);
  });

  it('a process on berth\'s host sending X-Forwarded-* to the loopback port is counted at its own address, over plain HTTP', async () => {
    const forged = '203.0.113.77';
    // A made-up router secret too: only the router's own (in its 0600 config) counts.
    const headers = { 'x-forwarded-for': forged, 'x-real-ip': forged, 'x-forwarded-proto': 'https', 'x-berth-router': 'ab'.repeat(32) };
    const guess = await fetch(`http://127.0.0.1:${berth.port}/login/token`, {
      method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ username: dev, password: 'a local guess' }),
    });
    assert.deepEqual([guess.status, await guess.json()], [401, { error: { code: 'LOGIN_FAILED', message: 'Wrong user name or password.' } }]);
    assert.deepEqual([counter(forged), counter('127.0.0.1'), counter(laptop.addr)], ['', '1', '1']);
    // Nor does it get the HTTPS treatment: the login form's cookie is neither Secure nor __Host-.
    const form = await fetch(`http://127.0.0.1:${berth.port}/login`, { headers });
    assert.equal(form.status, 200);
    assert.match(form.headers.get('set-cookie') ?? '', /^berth_login_csrf=[^;]+; Max-Age=3600; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
  });

  it('pushes over HTTPS to its own app, and tails its logs (berth logs -t) with the app taken from the paas remote', async () => {
    fs.cpSync(path.join(ROOT, 'test/fixtures/apps/dockerfile-app'), checkout(), { recursive: true });
    // A line in the app's output for `berth logs` to show.
    fs.writeFileSync(path.join(checkout(), 'start.sh'), 'echo "laptop app up on $PORT"\nexec httpd -f -p "${PORT:-5000}" -h /www\n');
    for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-qm', 'first']]) assert.equal((await git(args)).code, 0);
    const remote = await berthCli(['git:remote', mine]);
    assert.equal(remote.code, 0, remote.stderr);
    assert.match(remote.stdout, new RegExp(`^       HTTPS: ${base}/git/${mine}\\.git\n       SSH:   ssh://berth@${HOSTNAME}:${sshPort}/${mine}\n`, 'm'));
    const push = await git(['push', 'paas', 'main']);
    assert.equal(push.code, 0, push.stderr);
    const served = await berth.viaRouter(`${mine}.localhost`);
    assert.equal(served.text, fs.readFileSync(path.join(ROOT, 'test/fixtures/apps/dockerfile-app/www/index.html'), 'utf8'));
    // `logs -t` through the router: the past line, then a line written after it started (a restart's).
    const tail = laptop.spawn('berth', ['logs', '-t', '-n', '20'], { cwd: checkout() });
    let seen = '';
    tail.stdout.on('data', (b: Buffer) => { seen += b.toString(); });
    try {
      await waitFor('the app\'s line in berth logs -t', () => /^web\.1 \| laptop app up on 5000$/m.test(seen));
      const before = seen.split('laptop app up').length;
      assert.equal(berth.cli(['ps:restart', mine]).code, 0);
      await waitFor('the restarted container\'s line in berth logs -t', () => seen.split('laptop app up').length > before, 120_000);
    } finally {
      tail.kill();
    }
  });

  it('pushes over SSH as berth@berth.test with the key it added over HTTPS', async () => {
    assert.equal(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(laptop.home, 'id_ed25519')]).status, 0);
    assert.equal((await berthCli(['ssh-keys:add', 'laptop', path.join(laptop.home, 'id_ed25519.pub')])).code, 0);
    assert.equal((await berthCli(['git:remote', mine, '--ssh'])).code, 0);
    assert.equal((await git(['remote', 'get-url', 'paas'])).stdout, `ssh://berth@${HOSTNAME}:${sshPort}/${mine}\n`);
    fs.writeFileSync(path.join(checkout(), 'www', 'ssh.txt'), 'over ssh\n');
    for (const args of [['add', '-A'], ['commit', '-qm', 'second']]) assert.equal((await git(args)).code, 0);
    const sha = (await git(['rev-parse', 'HEAD'])).stdout.trim();
    const push = await git(['push', 'paas', 'main'], { GIT_SSH_COMMAND: sshCommand() });
    assert.equal(push.code, 0, push.stderr);
    const releases = await berth.api('GET', `/api/v1/apps/${mine}/releases`);
    assert.equal(releases.json.releases[0].gitSha, sha);
    assert.equal((await berth.viaRouter(`${mine}.localhost`, '/ssh.txt')).text, 'over ssh\n');
  });

  it('runs a one-off command (berth run, an HTTP upgrade) through berth\'s router', async () => {
    // stdin reaches the command and its end too (a half-close would end the proxied connection: frames instead).
    const run = await berthCli(['run', '-a', mine, 'sh', '-c', 'cat; echo "stdin ended"'], 'typed on the laptop\n');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'typed on the laptop\nstdin ended\n');
  });

  it('a developer pushes to nobody else\'s app, over HTTPS or SSH', async () => {
    const refusal = `User "${dev}" (developer) may not change app "${theirs}"`;
    const https = await git(['push', `${base}/git/${theirs}.git`, 'main']);
    assert.equal(https.code, 128);
    assert.ok(https.stderr.includes(refusal), https.stderr);
    const ssh = await git(['push', `ssh://berth@${HOSTNAME}:${sshPort}/${theirs}`, 'main'], { GIT_SSH_COMMAND: sshCommand() });
    assert.equal(ssh.code, 128);
    assert.ok(ssh.stderr.includes(`berth: ${refusal}`), ssh.stderr);
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${theirs}/releases`)).json.releases, []);
  });

  it('opens the dashboard over HTTPS in chromium and gets a Secure __Host- session cookie', async () => {
    const spki = crypto.createHash('sha256').update(new crypto.X509Certificate(fs.readFileSync(tls.cert)).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    const script = path.join(ROOT, 'dist/test/support/laptop-browser.js');
    const r = await laptop.run(process.execPath, [script, JSON.stringify({ url: base, user: dev, password: PASSWORD, spki, chromium: CHROMIUM, app: mine })], { cwd: ROOT });
    assert.equal(r.code, 0, r.stderr);
    const seen = JSON.parse(r.stdout) as { loginUrl: string; afterUrl: string; text: string; cookies: { name: string; secure: boolean }[]; gitRemote: string };
    assert.equal(seen.loginUrl, `${base}/login`);
    assert.equal(seen.afterUrl, `${base}/`);
    assert.ok(seen.text.includes(mine), seen.text);
    assert.deepEqual(seen.cookies.filter((c) => c.name.includes('berth_session')), [{ name: '__Host-berth_session', secure: true }]);
    assert.equal(seen.gitRemote, `git remote add paas ${base}/git/${mine}.git`);
  });
});
