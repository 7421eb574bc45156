import fs from 'node:fs';
import path from 'node:path';
import { utils } from 'ssh2';

/** ssh2's own ed25519 generator (1.17.0). */
const generateEd25519 = (): string => utils.generateKeyPairSync('ed25519').private;

/**
 * The server's ed25519 host key: made once (mode 0600) and kept, so clients' known_hosts stay valid.
 * The key appears whole or not at all: it is written to a file of this process's own and then
 * hard-linked into place (link fails if another process got there first). Writing the final name
 * directly let a second process starting at the same moment read it while still empty ("Malformed
 * OpenSSH private key"), and a process killed mid-write left an empty key for ever; an empty
 * key left by an older berth is made again.
 *
 * A made key is parsed before it is kept: ssh2 1.17.0's generateKeyPairSync('ed25519') strips the
 * leading zero bytes of the public key, so about 1 key in 256 is one its own parseKey refuses
 * (mscdex/ssh2 #1390, #1513), and berth would exit at every start with "Cannot parse privateKey:
 * Malformed OpenSSH private key". Such a key is never linked into place, and one an older berth kept
 * is made again: the SSH server never started with it, so no client knows it. The workaround can go
 * when ssh2's generator keeps the 32-byte key whole.
 */
export function loadOrCreateHostKey(file: string, generate: () => string = generateEd25519): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const existing = readOrNull(file);
  if (existing !== null && usable(existing)) return existing;
  // Only an older berth's cut-short or unparseable key can be here: a key linked into place now is always usable.
  if (existing !== null) fs.rmSync(file, { force: true });
  const mine = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(mine, madeUsable(generate), { mode: 0o600 });
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

const usable = (pem: string): boolean => pem.includes('-----END ') && !(utils.parseKey(pem) instanceof Error);

/** A fresh key ssh2 can parse; a 1-in-256 miss 16 times in a row (2^-128) would be a different bug. */
function madeUsable(generate: () => string): string {
  for (let i = 0; i < 16; i++) {
    const pem = generate();
    if (usable(pem)) return pem;
  }
  throw new Error('ssh2 made 16 ed25519 host keys in a row that it cannot parse');
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
