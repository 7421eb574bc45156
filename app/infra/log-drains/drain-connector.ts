import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { LookupFunction } from 'node:net';
import type { DrainConnection, DrainConnector, DrainLine, DrainTarget } from '../../ports/log-drains';
import { ndjsonBatch, syslogFrame } from './syslog-frame';

/** Connecting (TCP and TLS handshake) and one HTTPS batch may take this long. */
const TIMEOUT_MS = 10_000;

/** Connects to the address berth checked, not to what the name resolves to a moment later. */
const pinned = (address: string): LookupFunction => (_host, options, callback) => {
  const family = net.isIP(address);
  if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
  else callback(null, address, family);
};

/**
 * syslog:// and syslog+tls:// (RFC 5424 messages, octet-counted over TCP: RFC 6587, RFC 5425) and
 * https:// (NDJSON batches, one POST each). TLS verifies the certificate against the URL's host
 * with Node's CAs (NODE_EXTRA_CA_CERTS adds a private one).
 */
export function drainConnector(o: { hostname: string }): DrainConnector {
  return (target, signal) => (target.url.protocol === 'https:' ? Promise.resolve(httpsDrain(target)) : syslogDrain(target, o.hostname, signal));
}

function syslogDrain(target: DrainTarget, hostname: string, signal: AbortSignal): Promise<DrainConnection> {
  const port = Number(target.url.port) || (target.url.protocol === 'syslog+tls:' ? 6514 : 514);
  const host = target.url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const secure = target.url.protocol === 'syslog+tls:';
    const socket: net.Socket = secure
      ? tls.connect({ host: target.address, port, servername: net.isIP(host) ? undefined : host, ...(net.isIP(host) ? { checkServerIdentity: (_h, cert) => tls.checkServerIdentity(host, cert) } : {}) })
      : net.connect({ host: target.address, port });
    socket.setTimeout(TIMEOUT_MS);
    const fail = (e: Error): void => { socket.destroy(); reject(e); };
    const onAbort = (): void => fail(new Error('stopped'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('timeout', () => fail(new Error(`${host}:${port} did not answer within ${TIMEOUT_MS / 1000} s`)));
    socket.once('error', fail);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.removeListener('error', fail);
      socket.setTimeout(0);
      socket.setKeepAlive(true, 30_000);
      let lastError: Error | null = null;
      socket.on('error', (e) => { lastError = e; });
      // A receiver sends nothing back; what it does send is read and dropped.
      socket.on('data', () => undefined);
      const closed = new Promise<Error | null>((done) => socket.once('close', () => done(lastError ?? new Error(`${host}:${port} closed the connection`))));
      resolve({
        send: (lines: readonly DrainLine[]) => new Promise<void>((ok, no) => {
          if (socket.destroyed) { no(lastError ?? new Error('the connection is closed')); return; }
          socket.write(Buffer.concat(lines.map((l) => syslogFrame(l, hostname))), (e) => (e ? no(e) : ok()));
        }),
        closed,
        close: () => { socket.destroy(); },
      });
    });
  });
}

function httpsDrain(target: DrainTarget): DrainConnection {
  let close: (e: Error | null) => void = () => undefined;
  const closed = new Promise<Error | null>((done) => { close = done; });
  const send = (lines: readonly DrainLine[]): Promise<void> => new Promise((ok, no) => {
    const body = ndjsonBatch(lines);
    const auth = target.url.username ? `${decodeURIComponent(target.url.username)}:${decodeURIComponent(target.url.password)}` : undefined;
    const req = https.request({
      hostname: target.url.hostname.replace(/^\[|\]$/g, ''), port: Number(target.url.port) || 443, path: `${target.url.pathname}${target.url.search}`,
      method: 'POST', auth, lookup: pinned(target.address), timeout: TIMEOUT_MS,
      headers: { 'content-type': 'application/x-ndjson', 'content-length': Buffer.byteLength(body), 'user-agent': 'berth-log-drain' },
    }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) ok();
      else { const e = new Error(`${target.url.host} answered ${status}`); no(e); close(e); }
    });
    req.once('timeout', () => req.destroy(new Error(`${target.url.host} did not answer within ${TIMEOUT_MS / 1000} s`)));
    req.once('error', (e) => { no(e); close(e); });
    req.end(body);
  });
  return { send, closed, close: () => close(null) };
}
