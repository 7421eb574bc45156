import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { utils } from 'ssh2';
import { loadOrCreateHostKey } from '../../app/infra/ssh/host-key';

/** berth's web and worker may start at the same moment on one BERTH_HOME: both must get the one whole key. */
describe('SSH host key: made once, whole, shared by processes starting together', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-hostkey-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('eight processes at once all read the same whole key, and no temporary file is left', async () => {
    const file = path.join(dir, 'ssh_host_ed25519_key');
    const script = `const { loadOrCreateHostKey } = require(${JSON.stringify(require.resolve('../../app/infra/ssh/host-key'))});
      process.send(loadOrCreateHostKey(${JSON.stringify(file)}), () => process.exit(0));`;
    const scriptFile = path.join(dir, 'load.js');
    fs.writeFileSync(scriptFile, script);
    const keys = await Promise.all(Array.from({ length: 8 }, () => new Promise<string>((resolve, reject) => {
      const child = fork(scriptFile, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.once('message', (m) => resolve(String(m)));
      child.once('exit', (code) => { if (code !== 0) reject(new Error(`exit ${code}`)); });
    })));
    const onDisk = fs.readFileSync(file, 'utf8');
    assert.match(onDisk, /-----END OPENSSH PRIVATE KEY-----/);
    for (const k of keys) assert.equal(k, onDisk);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['load.js', 'ssh_host_ed25519_key']);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('an empty key left by a berth killed while writing it is made again', () => {
    const file = path.join(dir, 'ssh_host_ed25519_key');
    fs.writeFileSync(file, '');
    const key = loadOrCreateHostKey(file);
    assert.match(key, /-----END OPENSSH PRIVATE KEY-----/);
    assert.equal(loadOrCreateHostKey(file), key, 'kept once made');
  });

  /** One of the ~1 in 256 keys ssh2 1.17.0 makes and then cannot parse (its generator strips the public key's leading zeros). */
  const unparseableKey = (): string => {
    for (;;) {
      const pem = utils.generateKeyPairSync('ed25519').private;
      if (utils.parseKey(pem) instanceof Error) return pem;
    }
  };

  it('a made key ssh2 cannot parse is never kept: another is made', () => {
    const file = path.join(dir, 'ssh_host_ed25519_key');
    const bad = unparseableKey();
    let calls = 0;
    const key = loadOrCreateHostKey(file, () => (++calls === 1 ? bad : utils.generateKeyPairSync('ed25519').private));
    assert.equal(calls, 2);
    assert.notEqual(key, bad);
    assert.equal(utils.parseKey(key) instanceof Error, false);
    assert.equal(fs.readFileSync(file, 'utf8'), key);
  });

  it('an unparseable key an older berth kept is made again (the SSH server never started with it)', () => {
    const file = path.join(dir, 'ssh_host_ed25519_key');
    const bad = unparseableKey();
    fs.writeFileSync(file, bad, { mode: 0o600 });
    const key = loadOrCreateHostKey(file);
    assert.notEqual(key, bad);
    assert.equal(utils.parseKey(key) instanceof Error, false);
    assert.deepEqual(fs.readdirSync(dir), ['ssh_host_ed25519_key']);
  });
});
