import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { waitFor } from '../support/poll';
import { WorkTree } from '../support/git-client';

function run(cmd: string, args: string[], o: { input?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: o.input, env: o.env ?? process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => { const { port } = server.address() as net.AddressInfo; server.close(() => resolve(port)); });
  });
}

/** The host's address on docker's default bridge: not loopback, so the engine verifies the registry's TLS. */
function bridgeAddress(): string {
  // From docker, not os.networkInterfaces(): that list leaves docker0 out while no container uses it.
  const a = spawnSync('docker', ['network', 'inspect', 'bridge', '--format', '{{(index .IPAM.Config 0).Gateway}}'], { encoding: 'utf8' }).stdout.trim();
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(a)) throw new Error(`docker's bridge network has no IPv4 gateway: ${a}`);
  return a;
}

/**
 * A private registry as a user would have one: Debian's docker-registry with htpasswd (bcrypt)
 * auth and a self-signed certificate the engine trusts through /etc/docker/certs.d. berth pulls
 * from it with registry:login credentials.
 */
describe('images from registries: registry:login, then apps:deploy-image pulls through the engine', function () {
  this.timeout(300_000);
  let registry: ChildProcess | null = null;
  let dir = '';
  let certsDir = '';
  let server = '';
  let image = '';
  const app = uniqueName('pulled');

  after(() => { registry?.kill('SIGTERM'); });
  // A registry on this host's docker0 address, TLS with a CA of the test's own, basic auth; an image pushed to it.
  const berth = useBerth({}, { setUp: async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-registry-'));
    const host = bridgeAddress();
    server = `${host}:${await freePort()}`;
    run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '1',
      '-subj', '/CN=berth-test-registry', '-addext', `subjectAltName=IP:${host}`, '-addext', 'basicConstraints=critical,CA:TRUE']);
    fs.writeFileSync(`${dir}/htpasswd`, `${run('htpasswd', ['-Bbn', 'tester', 's3cret-pass'])}\n`);
    fs.writeFileSync(`${dir}/config.yml`, [
      'version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${dir}/data`,
      'http:', `  addr: ${server}`, '  tls:', `    certificate: ${dir}/cert.pem`, `    key: ${dir}/key.pem`,
      'auth:', '  htpasswd:', '    realm: berth-test', `    path: ${dir}/htpasswd`, '',
    ].join('\n'));
    certsDir = `/etc/docker/certs.d/${server}`;
    fs.mkdirSync(certsDir, { recursive: true });
    fs.copyFileSync(`${dir}/cert.pem`, `${certsDir}/ca.crt`);
    registry = spawn('docker-registry', ['serve', `${dir}/config.yml`], { stdio: 'ignore' });
    const ca = fs.readFileSync(`${dir}/cert.pem`);
    await waitFor('the registry to answer 401 on /v2/', () => new Promise<boolean>((resolve) => {
      https.get(`https://${server}/v2/`, { ca }, (res) => { res.resume(); resolve(res.statusCode === 401); }).on('error', () => resolve(false));
    }), 30_000);

    // The image, pushed with docker's CLI logged in through a throwaway config folder.
    image = `${server}/demo/web:1`;
    run('docker', ['build', '-t', image, '-'], { input: 'FROM berth/busybox:latest\nRUN mkdir -p /www && echo from-private-registry > /www/index.html\nCMD ["httpd", "-f", "-p", "5000", "-h", "/www"]\n' });
    const env = { ...process.env, DOCKER_CONFIG: `${dir}/docker-config` };
    run('docker', ['login', server, '-u', 'tester', '--password-stdin'], { input: 's3cret-pass\n', env });
    run('docker', ['push', image], { env });
    run('docker', ['rmi', image]);
  } });
  before(() => { assert.equal(berth.cli(['apps:create', app]).code, 0); });
  after(() => {
    spawnSync('docker', ['rmi', image]);
    if (certsDir) fs.rmSync(certsDir, { recursive: true, force: true });
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('without a login, a registry on this host (docker0) is refused by berth before dockerd connects, and nothing is deployed', () => {
    // Only a registry an admin vetted with registry:login is pulled from this host's own addresses.
    const r = berth.cli(['apps:deploy-image', app, image]);
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, new RegExp(`berth does not pull from ${server.replace(/[.]/g, '\\.')}: it is this host's own address`));
    assert.doesNotMatch(r.stdout + r.stderr, /Pulling/);
  });

  it('registry:login keeps the password from stdin encrypted and never lists it; apps:deploy-image then pulls, streaming progress, and runs it', async () => {
    const login = berth.cli(['registry:login', server, 'tester', '--password-stdin'], { input: 's3cret-pass\n' });
    assert.equal(login.code, 0, login.stderr);
    assert.equal(login.stdout.trim(), `-----> Logged in to ${server} as tester`);
    assert.deepEqual((await berth.api('GET', '/api/v1/registry/logins')).json, { logins: [{ server, username: 'tester' }] });
    const db = new Database(`${berth.home}/berth.db`, { readonly: true });
    try {
      assert.match((db.prepare('SELECT password FROM registry_logins').get() as { password: string }).password, /^enc:v1:/);
    } finally {
      db.close();
    }

    const r = berth.cli(['apps:deploy-image', app, image]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`-----> Pulling ${image.replace(/[.]/g, '\\.')} \\(as tester on ${server.replace(/[.]/g, '\\.')}\\)`));
    assert.match(r.stdout, /[0-9a-f]{12}: Pull complete/);
    assert.equal((await berth.viaRouter(`${app}.localhost`)).text, 'from-private-registry\n');
  });

  it('a developer can neither log berth in to a registry nor log it out (FORBIDDEN); the admin\'s login stays', async () => {
    const dev = (await berth.api('POST', '/api/v1/users', { name: uniqueName('dev'), role: 'developer' })).json.token as string;
    const login = await berth.api('POST', '/api/v1/registry/logins', { server, username: 'mallory', password: 'x' }, dev);
    assert.equal(login.status, 403);
    assert.equal(login.json.error.code, 'FORBIDDEN');
    const logout = await berth.api('DELETE', `/api/v1/registry/logins/${encodeURIComponent(server)}`, undefined, dev);
    assert.equal(logout.status, 403);
    assert.deepEqual((await berth.api('GET', '/api/v1/registry/logins', undefined, dev)).json, { logins: [{ server, username: 'tester' }] });
  });

  it('a Dockerfile FROM an image of that registry builds: berth pulls the base with the login first', async () => {
    spawnSync('docker', ['rmi', image]);
    const wt = WorkTree.fromFixture('nothing-app');
    try {
      wt.write('Dockerfile', `FROM ${image}\nRUN echo built-on-the-private-base >> /www/index.html\n`);
      wt.commitAll('FROM a private image');
      const other = uniqueName('from-private');
      const pushed = wt.push(berth.url, berth.token, other);
      assert.equal(pushed.code, 0, pushed.output);
      assert.match(pushed.output, new RegExp(`-----> Pulling ${image.replace(/[.]/g, '\\.')} \\(as tester on `));
      assert.equal((await berth.viaRouter(`${other}.localhost`)).text, 'from-private-registry\nbuilt-on-the-private-base\n');
    } finally {
      wt.remove();
    }
  });
});

