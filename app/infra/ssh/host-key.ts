import fs from 'node:fs';
import path from 'node:path';
import { utils } from 'ssh2';

/**
 * The server's ed25519 host key: made once (mode 0600) and kept, so clients' known_hosts stay valid.
 * The key appears whole or not at all: it is written to a file of this process's own and then
 * hard-linked into place (link fails if another process got there first). Writing the final name
 * directly let a second process starting at the same moment read it while still empty ("Malformed
 * OpenSSH private key"), and a process killed mid-write left an empty key for ever; an empty
 * key left by an older berth is made again.
 */
export function loadOrCreateHostKey(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const existing = readOrNull(file);
  if (existing?.includes('-----END ')) return existing;
  // Only an older berth's cut-short key can be here: a key linked into place is always whole.
  if (existing !== null) fs.rmSync(file, { force: true });
  const mine = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(mine, utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
  try {
    fs.linkSync(mine, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(mine, { force: true });
  }
  fs.chmodSync(file, 0o600);
  return fs.readFileSync(file, 'utf8');
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
