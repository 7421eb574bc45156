import fs from 'node:fs';
import path from 'node:path';
import { utils } from 'ssh2';

/** The server's ed25519 host key: made once (mode 0600) and kept, so clients' known_hosts stay valid. */
export function loadOrCreateHostKey(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, utils.generateKeyPairSync('ed25519').private, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  fs.chmodSync(file, 0o600);
  return fs.readFileSync(file, 'utf8');
}
