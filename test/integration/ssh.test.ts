import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { WorkTree } from '../support/git-client';

describe('SSH transport: keys, git push and commands', function () {
  this.timeout(300_000);
  let dir = '';
  let port = 0;
  const trees: WorkTree[] = [];
  const app = uniqueName('ssh');
  const other = uniqueName('ssh-other');
  const dev = uniqueName('sshdev');

  const sshArgs = (key: string, strict = 'no') => ['-i', key, '-p', String(port), '-o', `StrictHostKeyChecking=${strict}`,
    '-o', `UserKnownHostsFile=${path.join(dir, 'known_hosts')}`, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-F', '/dev/null'];
  const ssh = (key: string, command: string[], input?: string, strict = 'no') => {
    const r = spawnSync('ssh', [...sshArgs(key, strict), 'berth@127.0.0.1', ...command], { encoding: 'utf8', input, timeout: 300_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const keygen = (name: string) => {
    const file = path.join(dir, name);
    assert.equal(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]).status, 0);
    return file;
  };
  const push = (wt: WorkTree, key: string, target: string, refspec = 'main', verb = 'push') => {
    process.env.GIT_SSH_COMMAND = `ssh ${sshArgs(key).join(' ')}`;
    try {
      return wt.git([verb, `ssh://berth@127.0.0.1:${port}/${target}`, refspec]);
    } finally {
      delete process.env.GIT_SSH_COMMAND;
    }
  };

  after(async () => {
    trees.forEach((t) => t.remove());
  });
  const berth = useBerth({}, {
    setUp: () => {
      if (spawnSync('ssh', ['-V']).status !== 0) throw new Error('the ssh client is missing: apt-get install openssh-client');
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ssh-test-'));
    },
  });
  before(async () => {
    port = Number(berth.env.BERTH_SSH_PORT);
    assert.match(berth.output, /ssh listening/);
  });
  after(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers a key under its ssh-keygen fingerprint, and keeps the host key in a 0600 file', () => {
    const key = keygen('admin_key');
    const add = berth.cli(['ssh-keys:add', 'laptop', `${key}.pub`, '--json']);
    assert.equal(add.code, 0, add.stderr);
    const expected = /SHA256:\S+/.exec(spawnSync('ssh-keygen', ['-lf', `${key}.pub`], { encoding: 'utf8' }).stdout)![0];
    assert.equal(JSON.parse(add.stdout).key.fingerprint, expected);
    assert.match(berth.cli(['ssh-keys:list']).stdout, /laptop/);
    assert.equal(fs.statSync(path.join(berth.home, 'ssh_host_ed25519_key')).mode & 0o777, 0o600);
  });

  it('runs CLI verbs as the key\'s user, and refuses an unknown key', async () => {
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: other })).status, 201);
    const list = ssh(path.join(dir, 'admin_key'), ['apps:list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(other));
    const set = ssh(path.join(dir, 'admin_key'), ['config:set', other, "'GREETING=hi there'"]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(berth.cli(['config:get', other, 'GREETING']).stdout.trim(), 'hi there');
    const events = (await berth.api('GET', `/api/v1/events?app=${other}`)).json.events as Array<{ kind: string; source: string; user: string }>;
    assert.ok(events.some((e) => e.kind === 'config.changed' && e.source === 'ssh' && e.user === 'admin'), JSON.stringify(events));
    assert.notEqual(ssh(path.join(dir, 'admin_key'), ['certs:add', other, '/etc/passwd', '/etc/passwd']).code, 0, 'no reading berth\'s own files');
    const unknown = ssh(keygen('stranger'), ['apps:list']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /Permission denied/);
    const tokens = JSON.parse(berth.cli(['tokens:list', '--json']).stdout).tokens as Array<{ name: string }>;
    assert.ok(!tokens.some((t) => t.name.startsWith('ssh-')), 'per-command tokens are revoked');
  });

  it('git push over SSH with a registered key deploys', async () => {
    const wt = WorkTree.fromFixture('dockerfile-app');
    trees.push(wt);
    const r = push(wt, path.join(dir, 'admin_key'), app);
    assert.equal(r.code, 0, r.output);
    assert.ok(r.output.includes(`=====> Deployed http://${app}.localhost:${berth.routerPort} (v1)`), r.output);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text.trim(), 'dockerfile-app v1');
    assert.notEqual(push(wt, path.join(dir, 'stranger'), app).code, 0, 'an unknown key cannot push');
  });

  it('a developer pushes only to apps they collaborate on', () => {
    assert.equal(berth.cli(['users:add', dev, '--role', 'developer']).code, 0);
    const key = keygen('dev_key');
    assert.equal(berth.cli(['ssh-keys:add', 'dev', `${key}.pub`, '--user', dev]).code, 0);
    const wt = WorkTree.fromFixture('dockerfile-app');
    trees.push(wt);
    const refused = push(wt, key, other);
    assert.notEqual(refused.code, 0);
    assert.match(refused.output, /may not/);
    assert.notEqual(ssh(key, ['config:show', other]).code, 0);
    assert.equal(berth.cli(['apps:collaborators:add', other, dev]).code, 0);
    const ok = ssh(key, ['config:show', other]);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('git over HTTP and over SSH refuse the same bad pushes with the same code (one push gate)', async () => {
    const viewer = uniqueName('sshviewer');
    const made = await berth.api('POST', '/api/v1/users', { name: viewer, role: 'viewer' });
    assert.equal(made.status, 201, made.text);
    const viewerKey = keygen('viewer_key');
    assert.equal(berth.cli(['ssh-keys:add', 'v', `${viewerKey}.pub`, '--user', viewer]).code, 0);
    const locked = uniqueName('ssh-locked');
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: locked })).status, 201);
    assert.equal(berth.cli(['apps:lock', locked]).code, 0);
    const open = uniqueName('ssh-open');
    assert.equal((await berth.api('POST', '/api/v1/apps', { name: open })).status, 201);
    const missing = uniqueName('ssh-missing');
    const wt = WorkTree.fromFixture('dockerfile-app');
    trees.push(wt);
    const adminKey = keygen('gate_admin_key');
    assert.equal(berth.cli(['ssh-keys:add', 'gate', `${adminKey}.pub`]).code, 0);
    const admin = { token: berth.token, key: adminKey };
    const asViewer = { token: made.json.token as string, key: viewerKey };
    // [what, who, app, git verb, refspec, the one code both transports must answer]
    const cases: Array<[string, typeof admin, string, 'push' | 'ls-remote', string, string]> = [
      ['upper case and _', admin, 'Bad_Name', 'push', 'main', 'INVALID_APP_NAME'],
      ['a trailing dash', admin, 'bad-', 'push', 'main', 'INVALID_APP_NAME'],
      ['fetch of a missing app', admin, missing, 'ls-remote', 'main', 'APP_NOT_FOUND'],
      ['a viewer\'s push', asViewer, open, 'push', 'main', 'FORBIDDEN'],
      ['a viewer\'s push that would create an app', asViewer, missing, 'push', 'main', 'FORBIDDEN'],
      ['a push to a locked app', admin, locked, 'push', 'main', 'APP_LOCKED'],
      ['a push to another branch', admin, open, 'push', 'main:refs/heads/feature', 'WRONG_BRANCH'],
    ];
    const codeOf = (output: string) => /\(([A-Z][A-Z_]+)\)\s*$/m.exec(output)?.[1] ?? `no code in: ${output}`;
    const seen = cases.map(([what, who, target, verb, refspec]) => {
      const http = verb === 'push' ? wt.push(berth.url, who.token, target, refspec)
        : wt.git(['ls-remote', `${berth.url.replace('http://', `http://berth:${who.token}@`)}/git/${target}.git`, refspec]);
      const overSsh = push(wt, who.key, target, refspec, verb);
      assert.notEqual(http.code, 0, http.output);
      assert.notEqual(overSsh.code, 0, overSsh.output);
      return [what, codeOf(http.output), codeOf(overSsh.output)];
    });
    assert.deepEqual(seen, cases.map(([what, , , , , code]) => [what, code, code]));
    assert.equal((await berth.api('GET', `/api/v1/apps/${missing}`)).status, 404, 'no app was made for the viewer');
  });

  it('keeps its host key across restarts', async () => {
    const before = fs.readFileSync(path.join(berth.home, 'ssh_host_ed25519_key'), 'utf8');
    await berth.stop();
    await berth.start();
    assert.equal(fs.readFileSync(path.join(berth.home, 'ssh_host_ed25519_key'), 'utf8'), before);
    const again = ssh(path.join(dir, 'admin_key'), ['apps:list'], undefined, 'yes');
    assert.equal(again.code, 0, `known_hosts still matches: ${again.stderr}`);
  });
});
