import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { WorkTree } from '../support/git-client';
import { waitFor } from '../support/poll';
import { useBerth } from '../support/use-berth';

const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)); });
});

/**
 * Deploying from a forge against a local one: a bare repo served by `git daemon` on loopback
 * (part of git, which install.sh installs), GitHub-style push deliveries signed (or not) by the
 * test, and git:sync's refusals of what is not a network repository.
 */
describe('forge: webhooks and git:sync deploy a remote repository\'s commit', function () {
  this.timeout(300_000);
  const berth = useBerth();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-forge-'));
  const app = uniqueName('forge');
  let tree: WorkTree;
  let daemon: ChildProcess | null = null;
  let repoUrl = '';

  before(async () => {
    const port = await freePort();
    tree = WorkTree.fromFixture('dockerfile-app');
    assert.equal(spawnSync('git', ['init', '-q', '--bare', path.join(dir, `${app}.git`)]).status, 0);
    daemon = spawn('git', ['daemon', '--reuseaddr', '--export-all', `--base-path=${dir}`, '--listen=127.0.0.1', `--port=${port}`, dir], { stdio: 'ignore' });
    repoUrl = `git://127.0.0.1:${port}/${app}.git`;
    await waitFor('git daemon', () => spawnSync('git', ['ls-remote', repoUrl]).status === 0, 20_000);
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: app })).status, 201);
  });
  after(() => {
    daemon?.kill();
    tree?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const commit = (text: string): string => {
    tree.write('www/index.html', text);
    tree.commitAll(text);
    assert.equal(tree.git(['push', '-q', path.join(dir, `${app}.git`), 'main']).code, 0);
    return tree.git(['rev-parse', 'HEAD']).output.trim();
  };
  const deliver = (o: { body: string; secret: string | null; event?: string; delivery?: string }) => fetch(`${berth.url}/hooks/github/${app}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'x-github-event': o.event ?? 'push', 'x-github-delivery': o.delivery ?? crypto.randomUUID(),
      ...(o.secret === null ? {} : { 'x-hub-signature-256': `sha256=${crypto.createHmac('sha256', o.secret).update(o.body).digest('hex')}` }),
    },
    body: o.body,
  }).then(async (r) => ({ status: r.status, json: await r.json() as any }));
  const pushEvent = (after: string, ref = 'refs/heads/main') => JSON.stringify({ ref, after, repository: { clone_url: repoUrl } });
  const builds = async () => (await berth.api('GET', `/api/v1/apps/${app}/builds`)).json.builds as Array<{ id: number }>;

  it('a forged delivery is refused (401, logged, nothing built); a signed push deploys exactly its commit, once', async () => {
    const made = berth.cli(['webhooks:create', app, 'github']);
    assert.equal(made.code, 0, made.stderr);
    const secret = /^Secret: +([0-9a-f]{48})$/m.exec(made.stdout)?.[1];
    assert.ok(secret, made.stdout);
    assert.match(made.stdout, new RegExp(`^URL: +${berth.url}/hooks/github/${app}$`, 'm'));

    const v1 = commit('forge v1\n');
    const v2 = commit('forge v2\n');
    // Signed with another secret, and not signed at all: the same refusal, and nothing queued.
    for (const forged of [await deliver({ body: pushEvent(v1), secret: 'not the secret' }), await deliver({ body: pushEvent(v1), secret: null })]) {
      assert.deepEqual([forged.status, forged.json?.error?.code], [401, 'WEBHOOK_UNVERIFIED']);
    }
    // A forge the app has no webhook for is refused before its body is read: 2 MB is not even too large.
    const stranger = await fetch(`${berth.url}/hooks/gitea/${app}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(2 * 1024 * 1024) });
    assert.deepEqual([stranger.status, ((await stranger.json()) as any).error?.code], [401, 'WEBHOOK_UNVERIFIED']);
    assert.deepEqual(await builds(), []);
    const events = (await berth.api('GET', `/api/v1/events?app=${app}`)).json.events as Array<{ kind: string; message: string }>;
    assert.equal(events.filter((e) => e.kind === 'webhook.refused').length, 3);

    // Another branch, and a ping: answered, ignored, nothing built.
    const other = await deliver({ body: pushEvent(v2, 'refs/heads/feature'), secret });
    assert.deepEqual([other.status, other.json], [202, { status: 'ignored', reason: 'refs/heads/feature is not the deploy branch refs/heads/main' }]);
    const ping = await deliver({ body: '{"zen":"hi"}', secret, event: 'ping' });
    assert.deepEqual([ping.status, ping.json], [202, { status: 'ignored', reason: 'ping event is not a push' }]);
    assert.deepEqual(await builds(), []);

    // The delivery names v1 while the branch is at v2 already (a late delivery, or an old one replayed):
    // deploying it would roll the app back, so nothing is built; v2's delivery deploys v2.
    const stale = await deliver({ body: pushEvent(v1), secret, delivery: crypto.randomUUID() });
    assert.deepEqual([stale.status, stale.json], [202, { status: 'ignored', reason: `${v1.slice(0, 7)} is not the head of main (${v2.slice(0, 7)} is): an older push deploys nothing` }]);
    assert.deepEqual(await builds(), []);
    const delivery = crypto.randomUUID();
    const signed = await deliver({ body: pushEvent(v2), secret, delivery });
    assert.equal(signed.status, 202, JSON.stringify(signed.json));
    assert.deepEqual({ ...signed.json, build: typeof signed.json.build }, { status: 'deploying', build: 'number', commit: v2 });
    const log = (await berth.api('GET', `/api/v1/apps/${app}/builds/${signed.json.build}/log?follow=1`)).text;
    assert.match(log, /@@berth-status succeeded/, log);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, 'forge v2\n');
    const [release] = (await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases;
    assert.deepEqual([release.version, release.gitSha, release.description], [1, v2, `sync ${v2.slice(0, 7)} from ${repoUrl}`]);
    // berth's deploy branch holds what runs, as after a push.
    const remote = `${berth.url.replace('http://', `http://berth:${berth.token}@`)}/git/${app}.git`;
    assert.equal(spawnSync('git', ['ls-remote', remote, 'refs/heads/main'], { encoding: 'utf8' }).stdout.split(/\s/)[0], v2);

    // The same delivery again (the forge's redelivery), and the same signed body under a new delivery id
    // (the id header is not signed): nothing new is built.
    const replay = await deliver({ body: pushEvent(v2), secret, delivery });
    assert.deepEqual([replay.status, replay.json], [202, { status: 'ignored', reason: `this delivery (${delivery}, the same signed body) was handled already` }]);
    const renamed = crypto.randomUUID();
    const replayRenamed = await deliver({ body: pushEvent(v2), secret, delivery: renamed });
    assert.deepEqual([replayRenamed.status, replayRenamed.json], [202, { status: 'ignored', reason: `this delivery (${renamed}, the same signed body) was handled already` }]);
    // Refusals for names that mean nothing leave no trace in the audit trail (anyone can send them).
    const junk = await fetch(`${berth.url}/hooks/github/x%0Auser%20admin%20ran%20apps%3Adestroy`, { method: 'POST', body: '{}' });
    assert.equal(junk.status, 401);
    const trail = (await berth.api('GET', '/api/v1/events?limit=1000')).json.events as Array<{ message: string }>;
    assert.equal(trail.some((e) => e.message.includes('ran apps:destroy')), false);
    assert.equal((await builds()).length, 1);
  });

  it('git:sync --build deploys a branch of a network repository; paths, file:// and berth\'s own endpoints are refused', async () => {
    const v3 = commit('forge v3\n');
    const synced = berth.cli(['git:sync', '--build', app, repoUrl, 'main']);
    assert.equal(synced.code, 0, synced.stdout + synced.stderr);
    assert.match(synced.stdout, new RegExp(`^-----> Fetched ${v3.slice(0, 7)} from ${repoUrl}$`, 'm'));
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, 'forge v3\n');
    assert.equal((await berth.api('GET', `/api/v1/apps/${app}/releases`)).json.releases[0].description, `sync ${v3.slice(0, 7)} from ${repoUrl}`);

    const before = (await builds()).length;
    const own = new URL(berth.url);
    for (const [url, code, status] of [
      ['file:///etc', 'REPO_URL_REFUSED', 403],
      [dir, 'REPO_URL_REFUSED', 403],
      ['ext::sh', 'REPO_URL_REFUSED', 403],
      [`http://127.0.0.1:${own.port}/git/${app}.git`, 'REPO_URL_REFUSED', 403],
      [`http://localhost:${own.port}/git/${app}.git`, 'REPO_URL_REFUSED', 403],
      ['https://user:secret@example.com/x.git', 'INVALID_REPO_URL', 422],
    ] as const) {
      const r = await berth.api('POST', `/api/v1/apps/${app}/git-sync`, { url });
      assert.deepEqual([r.status, r.json?.error?.code], [status, code], `${url}: ${r.text}`);
    }
    // A developer who does not collaborate on the app: no sync, no webhook, no credentials, not even the list.
    const dev = await berth.api('POST', '/api/v1/users', { name: uniqueName('dev'), role: 'developer' });
    assert.equal(dev.status, 201, dev.text);
    for (const [method, p, body] of [
      ['POST', `/api/v1/apps/${app}/git-sync`, { url: repoUrl }], ['POST', `/api/v1/apps/${app}/webhooks`, { provider: 'gitea' }],
      ['POST', `/api/v1/apps/${app}/git-auth`, { kind: 'token', secret: 'x' }], ['GET', `/api/v1/apps/${app}/webhooks`, undefined],
    ] as const) {
      const r = await berth.api(method, p, body, dev.json.token);
      assert.deepEqual([r.status, r.json?.error?.code], [403, 'FORBIDDEN'], `${method} ${p}: ${r.text}`);
    }
    assert.equal((await builds()).length, before, 'nothing was queued');
  });

  it('deploy tokens: push:<app> pushes to that app only, deploy:<app> deploys it only; each refused elsewhere with FORBIDDEN', async () => {
    const other = uniqueName('forgeb');
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: other })).status, 201);
    const make = (name: string, scope: string): string => {
      const r = berth.cli(['tokens:create', name, '--scope', scope]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim().split('\n').pop()!;
    };
    const push = make(`push-${app}`, `push:${app}`);
    const deploy = make(`deploy-${app}`, `deploy:${app}`);
    const listed = (await berth.api('GET', '/api/v1/tokens')).json.tokens as Array<{ name: string; scope: string; expiresAt: string | null }>;
    const mine = listed.find((t) => t.name === `push-${app}`)!;
    assert.equal(mine.scope, `push:${app}`);
    assert.ok(mine.expiresAt && Date.parse(mine.expiresAt) > Date.now() + 89 * 86_400_000, 'deploy tokens expire (90 days by default)');

    // push:<app>: a git push to the app deploys; to another app, a fetch, or the API: 403.
    const v4 = commit('forge v4\n');
    const pushed = tree.push(berth.url, push, app);
    assert.equal(pushed.code, 0, pushed.output);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, 'forge v4\n');
    const elsewhere = tree.push(berth.url, push, other);
    assert.notEqual(elsewhere.code, 0);
    assert.match(elsewhere.output, /403/);
    const fetchUrl = `${berth.url.replace('http://', `http://berth:${push}@`)}/git/${app}.git`;
    assert.match(spawnSync('git', ['ls-remote', fetchUrl], { encoding: 'utf8' }).stderr, /403/);
    // ...nor by naming receive-pack in the query of what http-backend serves as a fetch or a file (its
    // service is the path's): the advertisement of upload-pack, the upload-pack POST, a dumb file.
    const basic = { authorization: `Basic ${Buffer.from(`berth:${push}`).toString('base64')}` };
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: tree.dir, encoding: 'utf8' }).stdout.trim();
    const wants = `0032want ${head}\n00000009done\n`;
    for (const [method, p, body] of [
      ['POST', 'git-upload-pack?service=git-receive-pack', wants], ['GET', 'HEAD?service=git-receive-pack', undefined],
      ['GET', 'info/refs?service=git-upload-pack', undefined],
    ] as const) {
      const r = await fetch(`${berth.url}/git/${app}.git/${p}`, {
        method, headers: { ...basic, ...(body ? { 'content-type': 'application/x-git-upload-pack-request' } : {}) }, body,
      });
      assert.equal(r.status, 403, `${method} ${p}: ${r.status} ${await r.text()}`);
    }
    for (const [method, p] of [['GET', '/api/v1/apps'], ['GET', `/api/v1/apps/${app}/config`], ['POST', `/api/v1/apps/${app}/ps/rebuild`]] as const) {
      const r = await berth.api(method, p, method === 'POST' ? {} : undefined, push);
      assert.deepEqual([r.status, r.json?.error?.code], [403, 'FORBIDDEN'], `${method} ${p}: ${r.text}`);
    }

    // deploy:<app>: git:sync of the app answers (the commit runs already: nothing to build); its builds read; anything else 403.
    const same = await berth.api('POST', `/api/v1/apps/${app}/git-sync`, { url: repoUrl, ref: 'main', ifChanged: true }, deploy);
    assert.deepEqual([same.status, same.json.commit, same.json.build], [200, v4, null], same.text);
    assert.equal((await berth.api('GET', `/api/v1/apps/${app}/builds`, undefined, deploy)).status, 200);
    for (const [method, p] of [['POST', `/api/v1/apps/${other}/git-sync`], ['GET', `/api/v1/apps/${app}/config`], ['POST', '/api/v1/apps'], ['POST', `/api/v1/apps/${app}/webhooks`]] as const) {
      const r = await berth.api(method, p, method === 'POST' ? { url: repoUrl, name: 'x', provider: 'gitlab' } : undefined, deploy);
      assert.deepEqual([r.status, r.json?.error?.code], [403, 'FORBIDDEN'], `${method} ${p}: ${r.text}`);
    }
    const pushWithDeploy = tree.push(berth.url, deploy, app);
    assert.notEqual(pushWithDeploy.code, 0);
    assert.match(pushWithDeploy.output, /403/);
    // Revoked like any token.
    assert.equal(berth.cli(['tokens:revoke', `deploy-${app}`]).code, 0);
    const revoked = await berth.api('GET', `/api/v1/apps/${app}/builds`, undefined, deploy);
    assert.deepEqual([revoked.status, revoked.json?.error?.code], [401, 'UNAUTHENTICATED']);
  });

  it('git:auth: a private repository over HTTPS is fetched with the app\'s stored token, which never shows in an error', async () => {
    // A forge that wants basic auth: git's own http-backend (CGI) behind a check of the Authorization header.
    const TOKEN = `tok-${crypto.randomBytes(8).toString('hex')}`;
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization ?? 'none');
      if (req.headers.authorization !== `Basic ${Buffer.from(`ci:${TOKEN}`).toString('base64')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="forge"' }).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://x');
      const cgi = spawn('git', ['http-backend'], {
        env: {
          PATH: process.env.PATH, GIT_PROJECT_ROOT: dir, GIT_HTTP_EXPORT_ALL: '1', PATH_INFO: url.pathname, QUERY_STRING: url.search.slice(1),
          REQUEST_METHOD: req.method, CONTENT_TYPE: req.headers['content-type'] ?? '', REMOTE_ADDR: '127.0.0.1',
        },
      });
      req.pipe(cgi.stdin);
      let head = Buffer.alloc(0);
      let sent = false;
      cgi.stdout.on('data', (chunk: Buffer) => {
        if (sent) { res.write(chunk); return; }
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const headers: Record<string, string> = {};
        for (const line of head.subarray(0, end).toString().split('\r\n')) { const i = line.indexOf(':'); headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim(); }
        res.writeHead(Number((headers.status ?? '200').split(' ')[0]), headers);
        res.write(head.subarray(end + 4));
        sent = true;
      });
      cgi.on('close', () => res.end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/${app}.git`;
      const v4 = tree.git(['rev-parse', 'HEAD']).output.trim();
      const without = await berth.api('POST', `/api/v1/apps/${app}/git-sync`, { url, ref: 'main', ifChanged: true });
      assert.deepEqual([without.status, without.json?.error?.code], [422, 'GIT_FETCH_FAILED'], without.text);
      const stored = berth.cli(['git:auth', app, 'token', '--username', 'ci'], { input: TOKEN });
      assert.equal(stored.code, 0, stored.stderr);
      assert.equal(stored.stdout, `-----> ${app} fetches with a token (user ci)\n`);
      const withToken = await berth.api('POST', `/api/v1/apps/${app}/git-sync`, { url, ref: 'main', ifChanged: true });
      assert.deepEqual([withToken.status, withToken.json.commit, withToken.json.build], [200, v4, null], withToken.text);
      // A ref the forge does not have: git's words come back, the token does not (neither plain nor encoded).
      const missing = await berth.api('POST', `/api/v1/apps/${app}/git-sync`, { url, ref: 'no-such-branch' });
      assert.equal(missing.json?.error?.code, 'GIT_FETCH_FAILED', missing.text);
      assert.doesNotMatch(missing.text, new RegExp(`${TOKEN}|${Buffer.from(`ci:${TOKEN}`).toString('base64')}`));
      assert.ok(seen.includes(`Basic ${Buffer.from(`ci:${TOKEN}`).toString('base64')}`));
      const shown = (await berth.api('GET', `/api/v1/apps/${app}/git-auth`)).json;
      assert.deepEqual(shown, { auth: { kind: 'token', username: 'ci' } }, 'the secret is never shown');
    } finally {
      server.close();
    }
  });

  it('git:auth key: a repository over SSH is fetched with the app\'s stored deploy key', async () => {
    // A forge over SSH: a loopback sshd this test starts (its own host key), taking only a throw-away client key.
    const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-forge-sshd-'));
    const keygen = (name: string) => assert.equal(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(keys, name)]).status, 0);
    keygen('host_key');
    keygen('deploy_key');
    fs.copyFileSync(path.join(keys, 'deploy_key.pub'), path.join(keys, 'authorized_keys'));
    const port = await freePort();
    fs.writeFileSync(path.join(keys, 'sshd_config'), [
      `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${path.join(keys, 'host_key')}`, `AuthorizedKeysFile ${path.join(keys, 'authorized_keys')}`,
      `PidFile ${path.join(keys, 'sshd.pid')}`, 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', 'PermitRootLogin prohibit-password', '',
    ].join('\n'));
    fs.mkdirSync('/run/sshd', { recursive: true });
    const sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(keys, 'sshd_config')], { stdio: 'ignore' });
    try {
      await waitFor('sshd listening', () => new Promise<boolean>((resolve) => {
        const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
        c.on('error', () => resolve(false));
      }), 20_000);
      const url = `ssh://${os.userInfo().username}@127.0.0.1:${port}${path.join(dir, `${app}.git`)}`;
      const head = tree.git(['rev-parse', 'HEAD']).output.trim();
      // Whatever an earlier test stored goes: the app fetches without credentials first.
      await berth.api('DELETE', `/api/v1/apps/${app}/git-auth`);
      assert.deepEqual((await berth.api('GET', `/api/v1/apps/${app}/git-auth`)).json, { auth: null });
      const without = await berth.api('POST', `/api/v1/apps/${app}/git-sync`, { url, ref: 'main', ifChanged: true });
      assert.deepEqual([without.status, without.json?.error?.code], [422, 'GIT_FETCH_FAILED'], without.text);
      const stored = berth.cli(['git:auth', app, 'key'], { input: fs.readFileSync(path.join(keys, 'deploy_key'), 'utf8') });
      assert.equal(stored.stdout, `-----> ${app} fetches with an SSH deploy key\n`, stored.stderr);
      const withKey = await berth.api('POST', `/api/v1/apps/${app}/git-sync`, { url, ref: 'main', ifChanged: true });
      assert.deepEqual([withKey.status, withKey.json.commit], [200, head], withKey.text);
      assert.equal(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('berth-key-')).length, 0, 'the key file is gone after the fetch');
    } finally {
      sshd.kill();
      fs.rmSync(keys, { recursive: true, force: true });
    }
  });
});
