import crypto from 'node:crypto';
import fs from 'node:fs';
import { BerthError } from '../errors';

/**
 * The secret berth's router sends with every request it proxies to the web port (X-Berth-Router):
 * the web port believes X-Forwarded-* only from a request that carries it (app/http/router-hop.ts).
 * It lives in a 0600 file in BERTH_HOME so that a web and a worker process (the worker writes
 * nginx's config) agree on it, and is made once, by whichever asks first: written to a file of its
 * own, then linked into place, so a reader never sees it half written.
 */
export function readOrMakeHopSecret(file: string): string {
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, `${crypto.randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another process made it first: theirs counts
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(secret)) {
    throw new BerthError('INVALID_CONFIG', `${file} does not hold berth's router secret (64 hex digits): remove it and start berth again, which makes a new one.`);
  }
  return secret;
}
