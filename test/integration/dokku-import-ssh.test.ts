import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, uniqueName } from '../support/berth-process';
import { useBerth } from '../support/use-berth';
import { waitFor } from '../support/poll';

const write = (file: string, text: string) => { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, text); };

function must(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A port nothing listens on now (the OS's choice, on loopback). */
const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)); });
  s.on('error', reject);
});

/**
 * `berth import:dokku ssh://root@127.0.0.1:<port>/<root>`: the dokku host is a loopback sshd this
 * test starts (its own host key, a throw-away client key, nothing but loopback) serving a fixture
 * tree laid out as dokku keeps a host. The CLI reads it with one `tar c` over ssh and imports it.
 */
describe('berth import:dokku <ssh host>', function () {
  this.timeout(300_000);
  const app = uniqueName('doksshapp');
  const svc = uniqueName('doksshrd');
  let dir: string;
  let sshd: ChildProcess | undefined;
  let port = 0;
  let sshCommand = '';

  after(() => {
    sshd?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  const berth = useBerth();
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dokku-sshd-'));
    // The dokku host's tree: an app (no repo) and a redis service with no dump beside it.
    const root = path.join(dir, 'host');
    write(path.join(root, 'home/dokku', app, 'ENV'), 'export GREETING=\'over ssh\'\n');
    write(path.join(root, 'home/dokku', app, 'VHOST'), `${app}.dokku.test\n`);
    write(path.join(root, 'var/lib/dokku/config/nginx', app, 'client-max-body-size'), '30m');
    write(path.join(root, 'var/lib/dokku/services/redis', svc, 'LINKS'), `${app}\n`);
    write(path.join(root, 'var/lib/dokku/services/redis', svc, 'data/dump.rdb'), 'the service\'s live data: never read');
    must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
    must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'client_key')]);
    fs.copyFileSync(path.join(dir, 'client_key.pub'), path.join(dir, 'authorized_keys'));
    port = await freePort();
    fs.writeFileSync(path.join(dir, 'sshd_config'), [
      `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${path.join(dir, 'host_key')}`, `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`, 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', 'PermitRootLogin prohibit-password', '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${fs.readFileSync(path.join(dir, 'host_key.pub'), 'utf8')}`);
    // sshd wants its privilege-separation directory.
    fs.mkdirSync('/run/sshd', { recursive: true });
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: 'ignore' });
    await waitFor('sshd listening', () => new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
      c.on('error', () => resolve(false));
    }));
    sshCommand = `ssh -i ${path.join(dir, 'client_key')} -o IdentitiesOnly=yes -o UserKnownHostsFile=${path.join(dir, 'known_hosts')} -o StrictHostKeyChecking=yes`;
  });

  const importing = (source: string) => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/app/cli/main.js'), 'import:dokku', source], {
      encoding: 'utf8', env: { ...process.env, ...berth.env, BERTH_URL: berth.url, BERTH_TOKEN: berth.token, NO_COLOR: '1', BERTH_SSH_COMMAND: sshCommand },
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  it('reads the host over ssh and imports its app and service, reporting what it could not carry over', async () => {
    const r = importing(`ssh://${os.userInfo().username}@127.0.0.1:${port}${path.join(dir, 'host')}`);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(r.stdout.split('\n')[0], `-----> Reading ${os.userInfo().username}@127.0.0.1:${path.join(dir, 'host')} over ssh`);
    assert.equal(r.stdout.slice(r.stdout.indexOf('=====> Imported:')), [
      `=====> Imported: app ${app}, redis ${svc}`,
      '=====> Not carried over:',
      `       redis ${svc}: no ${svc}.dump in its folder, so its data was not carried over (dokku redis:export ${svc} > ${svc}.dump, then berth redis:import ${svc} < ${svc}.dump)`,
      `       app ${app}: no master branch in its repo, so nothing was deployed`,
      '',
    ].join('\n'));
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${app}/config`)).json.config.GREETING, 'over ssh');
    assert.deepEqual((await berth.api('GET', `/api/v1/apps/${app}/domains`)).json.domains.customDomains, [`${app}.dokku.test`]);
    assert.equal(berth.cli(['nginx:report', app, '--nginx-client-max-body-size']).stdout, '30m\n');
    assert.equal((await berth.api('GET', `/api/v1/services/redis/${svc}`)).status, 200);
  });

  it('misuse: a source that would be an ssh option, or a root that would be shell, runs nothing', () => {
    const marker = path.join(dir, 'pwned');
    const option = importing(`-oProxyCommand=touch ${marker}`);
    assert.deepEqual([option.code, option.stderr], [1, '!     unknown option -o for import:dokku\nUsage: berth import:dokku <source>\n']);
    const host = importing(`root@-oProxyCommand=touch ${marker}`);
    assert.deepEqual([host.code, host.stderr], [1, `!     root@-oProxyCommand=touch ${marker} does not exist. Name the dokku host (root@host) or a copy of its files (docs/migrating-from-dokku.md).\n`]);
    const shell = importing(`ssh://${os.userInfo().username}@127.0.0.1:${port}/x$(touch ${marker})`);
    assert.equal(shell.code, 1);
    assert.match(shell.stderr, /^!     reading .* over ssh failed \(exit 1\): /);
    assert.equal(fs.existsSync(marker), false);
  });
});
