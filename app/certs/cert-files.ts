import fs from 'node:fs';
import { sync as writeAtomicSync } from 'write-file-atomic';
import path from 'node:path';

/** `<dir>/<app>/cert.pem` and `key.pem`, mode 0600 in a 0700 folder. */
export class CertFiles {
  constructor(private readonly dir: string) {}

  private paths(app: string) {
    const d = path.join(this.dir, app);
    return { dir: d, cert: path.join(d, 'cert.pem'), key: path.join(d, 'key.pem') };
  }

  write(app: string, pem: { cert: string; key: string }): void {
    const p = this.paths(app);
    fs.mkdirSync(p.dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(p.dir, 0o700);
    // Each file whole or not at all (write-file-atomic: a temp file, fsync, rename), 0600 whatever the umask.
    for (const [file, text] of [[p.key, pem.key], [p.cert, pem.cert]] as const) writeAtomicSync(file, text, { mode: 0o600 });
  }

  read(app: string): { cert: string; key: string } | null {
    const p = this.paths(app);
    try {
      return { cert: fs.readFileSync(p.cert, 'utf8'), key: fs.readFileSync(p.key, 'utf8') };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  remove(app: string): void {
    fs.rmSync(this.paths(app).dir, { recursive: true, force: true });
  }
}
