import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../app/infra/nginx/atomic-write';
import { CertFiles } from '../../app/certs/cert-files';

/** Files written whole (write-file-atomic): the mode asked for whatever the umask, nothing left of a failed write. */
describe('atomic writes (write-file-atomic)', () => {
  let dir: string;
  let umask: number;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-atomic-')); umask = process.umask(0o077); });
  afterEach(() => { process.umask(umask); fs.rmSync(dir, { recursive: true, force: true }); });

  it('replaces a file whole with the mode asked for, under a narrow umask, and leaves no temp file', () => {
    const file = path.join(dir, 'shop.conf');
    writeFileAtomic(file, 'old');
    writeFileAtomic(file, 'server {}\n', 0o644);
    assert.equal(fs.readFileSync(file, 'utf8'), 'server {}\n');
    assert.equal(fs.statSync(file).mode & 0o777, 0o644);
    assert.deepEqual(fs.readdirSync(dir), ['shop.conf']);
  });

  it('a write that fails (its target a folder) throws and leaves no temp file beside it', () => {
    const target = path.join(dir, 'shop.conf');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'kept');
    assert.throws(() => writeFileAtomic(target, 'new'), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
    assert.deepEqual(fs.readdirSync(dir), ['shop.conf']);
    assert.equal(fs.readFileSync(path.join(target, 'inside'), 'utf8'), 'kept');
  });

  it('certificates: key and cert 0600 in a 0700 folder, replaced whole', () => {
    const certs = new CertFiles(dir);
    certs.write('shop', { cert: 'C1', key: 'K1' });
    certs.write('shop', { cert: 'C2', key: 'K2' });
    assert.deepEqual(certs.read('shop'), { cert: 'C2', key: 'K2' });
    const p = path.join(dir, 'shop');
    assert.deepEqual([fs.statSync(p).mode & 0o777, fs.statSync(path.join(p, 'key.pem')).mode & 0o777, fs.statSync(path.join(p, 'cert.pem')).mode & 0o777], [0o700, 0o600, 0o600]);
    assert.deepEqual(fs.readdirSync(p).sort(), ['cert.pem', 'key.pem']);
  });
});
