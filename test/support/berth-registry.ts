import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';

export interface RegistryAnswer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/**
 * A client of a test berth's registry: HTTPS checked against the CA berth made, as berth's own
 * user (`berth`, the password berth keeps in `$BERTH_HOME/registry/auth/password`) unless
 * `anonymous`.
 */
export function berthRegistry(home: string, addr: string, port: number) {
  const dir = path.join(home, 'registry', 'auth');
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return {
    request(urlPath: string, o: { method?: string; headers?: Record<string, string>; anonymous?: boolean } = {}): Promise<RegistryAnswer> {
      const headers = { ...o.headers, ...(o.anonymous ? {} : { authorization: `Basic ${Buffer.from(`berth:${read('password')}`).toString('base64')}` }) };
      return new Promise((resolve, reject) => {
        const req = https.request({ host: addr, port, path: urlPath, method: o.method ?? 'GET', headers, ca: read('ca.crt'), timeout: 10_000 }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', reject);
        req.end();
      });
    },
  };
}
