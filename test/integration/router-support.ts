import { spawnSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import path from 'node:path';

/** One GET with a Host header (and SNI for https); headers included, no agent reuse. */
export function request(o: { port: number; host: string; path?: string; tls?: boolean; address?: string }): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders; peer?: tls.PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const options = { host: o.address ?? '127.0.0.1', port: o.port, path: o.path ?? '/', headers: { host: o.host }, agent: false as const, timeout: 15_000 };
    const onRes = (res: http.IncomingMessage) => {
      let text = '';
      const peer = o.tls ? (res.socket as tls.TLSSocket).getPeerCertificate() : undefined;
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers, peer }));
    };
    const req = o.tls
      ? https.get({ ...options, servername: o.host.replace(/:\d+$/, ''), rejectUnauthorized: false }, onRes)
      : http.get(options, onRes);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** The certificate the TLS listener presents for `servername`. */
export function peerCertificate(port: number, servername: string): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.on('error', reject);
  });
}

/** A self-signed certificate for `names` (first is the CN), written to `dir`. */
export function selfSigned(dir: string, label: string, names: string[]): { cert: string; key: string } {
  const cert = path.join(dir, `${label}.crt`);
  const key = path.join(dir, `${label}.key`);
  const r = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '30', '-subj', `/CN=${names[0]}`, '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
  ], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { cert, key };
}
