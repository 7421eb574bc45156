import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';

/**
 * What keeps berth's registry to berth and its swarm nodes: a TLS certificate from a CA berth makes
 * (each engine trusts it through `/etc/docker/certs.d/<host:port>/ca.crt`, which dockerd reads at
 * every pull and push) and one user, `berth`, with a random password whose bcrypt hash is the
 * registry's htpasswd file (the only hash docker-registry takes). Without them, whoever reached
 * the address pulled every app's release image (its code, the build args baked in) and pushed
 * over any tag. Made once under `$BERTH_HOME/registry/auth` (0600/0700 like all of BERTH_HOME);
 * the server certificate is made again when the registry's address changes.
 */
export interface RegistrySecrets {
  readonly username: string;
  readonly password: string;
  /** The CA certificate (PEM) nodes trust and berth checks the registry with. */
  readonly ca: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly htpasswdFile: string;
}

export const REGISTRY_USER = 'berth';

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** EC P-256 keys: fast to make, and every TLS stack dockerd and node use accepts them. */
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function ensureRegistrySecrets(o: { dir: string; addr: string; port: number; trustDir: string | null }): RegistrySecrets {
  const dir = path.join(o.dir, 'auth');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (name: string) => path.join(dir, name);
  if (!fs.existsSync(f('ca.crt')) || !fs.existsSync(f('ca.key'))) {
    run('openssl', ['req', '-x509', ...EC, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '3650', '-subj', '/CN=berth registry CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    fs.rmSync(f('server.crt'), { force: true });
  }
  const san = `subjectAltName=${isIP(o.addr) ? 'IP' : 'DNS'}:${o.addr}`;
  if (!fs.existsSync(f('server.crt')) || readOr(f('server.san')) !== san) {
    run('openssl', ['req', ...EC, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', `/CN=${o.addr}`]);
    fs.writeFileSync(f('server.ext'), `${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
    run('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial',
      '-out', f('server.crt'), '-days', '825', '-extfile', f('server.ext')]);
    fs.writeFileSync(f('server.san'), san);
  }
  if (!fs.existsSync(f('password')) || !fs.existsSync(f('htpasswd'))) {
    const password = crypto.randomBytes(24).toString('base64url');
    // -i: the password from stdin, never on a command line others can read in ps.
    fs.writeFileSync(f('htpasswd'), run('htpasswd', ['-niB', '-C', '10', REGISTRY_USER], password));
    fs.writeFileSync(f('password'), password, { mode: 0o600 });
  }
  const ca = fs.readFileSync(f('ca.crt'), 'utf8');
  if (o.trustDir) trust(o.trustDir, `${o.addr}:${o.port}`, ca);
  return { username: REGISTRY_USER, password: fs.readFileSync(f('password'), 'utf8'), ca, certFile: f('server.crt'), keyFile: f('server.key'), htpasswdFile: f('htpasswd') };
}

/** This host's engine trusts the CA for that registry (readable by dockerd, which runs as root). */
function trust(trustDir: string, host: string, ca: string): void {
  const hostDir = path.join(trustDir, host);
  fs.mkdirSync(hostDir, { recursive: true });
  const file = path.join(hostDir, 'ca.crt');
  if (readOr(file) !== ca) fs.writeFileSync(file, ca, { mode: 0o644 });
}

/** Removes the trust this host's engine had for the registry (berth's registry stopped for good). */
export function untrust(trustDir: string | null, host: string): void {
  if (trustDir) fs.rmSync(path.join(trustDir, host), { recursive: true, force: true });
}

function readOr(file: string): string | null {
  try { return fs.readFileSync(file, 'utf8'); } catch { return null; }
}
