import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../../errors';

/**
 * The catch-all TLS server's self-signed certificate, made once with openssl: names no app
 * claims get this one, never another app's certificate.
 */
export async function ensureDefaultCert(opts: { tlsDir: string; opensslBin: string; timeoutMs: number }): Promise<void> {
  const cert = path.join(opts.tlsDir, 'default.crt');
  const key = path.join(opts.tlsDir, 'default.key');
  if (fs.existsSync(cert) && fs.existsSync(key)) return;
  const tmpCert = `${cert}.${process.pid}.tmp`;
  const tmpKey = `${key}.${process.pid}.tmp`;
  const args = [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', tmpKey, '-out', tmpCert, '-days', '3650', '-subj', '/CN=berth-default',
    '-addext', 'subjectAltName=DNS:berth-default.invalid',
  ];
  await new Promise<void>((resolve, reject) => {
    execFile(opts.opensslBin, args, { timeout: opts.timeoutMs }, (err, _out, stderr) => {
      if (err) reject(new BerthError('INTERNAL', `openssl could not make the default TLS certificate: ${stderr || err.message}`));
      else resolve();
    });
  });
  fs.chmodSync(tmpKey, 0o600);
  fs.renameSync(tmpKey, key);
  fs.renameSync(tmpCert, cert);
}
