import fs from 'node:fs';
import type net from 'node:net';
import tls from 'node:tls';

/** One RFC 5424 message as received. */
export interface SyslogMessage {
  readonly pri: number;
  readonly timestamp: string;
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
  readonly msgId: string;
  readonly structuredData: string;
  readonly msg: string;
}

// RFC 5424's HEADER SP STRUCTURED-DATA [SP MSG]: VERSION 1, TIMESTAMP as RFC 3339 (at most 6
// fraction digits), PRINTUSASCII fields within their lengths, '-' for nil.
const MESSAGE = /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) ([\x21-\x7e]{1,255}) ([\x21-\x7e]{1,48}) ([\x21-\x7e]{1,128}) ([\x21-\x7e]{1,32}) (-|(?:\[[^\]]*\])+)(?: ([\s\S]*))?$/;

/**
 * A syslog-over-TLS receiver for the tests (RFC 5425): octet-counted frames (`<length> <message>`)
 * parsed strictly; anything else — a frame without its count, a count that runs past the data when
 * the connection ends, a message not in RFC 5424's shape — is recorded in `errors`.
 */
export class SyslogTlsReceiver {
  readonly messages: SyslogMessage[] = [];
  readonly errors: string[] = [];
  private server: tls.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly o: { keyFile: string; certFile: string }) {}

  /** Listens on 127.0.0.1 (port 0: any); answers the port. */
  listen(port = 0): Promise<number> {
    const server = tls.createServer({ key: fs.readFileSync(this.o.keyFile), cert: fs.readFileSync(this.o.certFile) }, (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        for (;;) {
          const space = pending.indexOf(0x20);
          if (space < 0) break;
          const count = pending.subarray(0, space).toString('ascii');
          if (!/^[1-9]\d{0,8}$/.test(count)) { this.errors.push(`not an octet count: ${JSON.stringify(pending.subarray(0, 40).toString())}`); socket.destroy(); return; }
          const n = Number(count);
          if (pending.length < space + 1 + n) break;
          this.take(pending.subarray(space + 1, space + 1 + n).toString('utf8'));
          pending = pending.subarray(space + 1 + n);
        }
      });
      socket.once('end', () => { if (pending.length) this.errors.push(`a cut frame at the end: ${JSON.stringify(pending.toString().slice(0, 80))}`); });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  private take(text: string): void {
    const m = MESSAGE.exec(text);
    if (!m) { this.errors.push(`not RFC 5424: ${JSON.stringify(text.slice(0, 120))}`); return; }
    this.messages.push({ pri: Number(m[1]), timestamp: m[2]!, hostname: m[3]!, appName: m[4]!, procId: m[5]!, msgId: m[6]!, structuredData: m[7]!, msg: m[8] ?? '' });
  }

  /** Stops listening and drops every connection (a receiver that went down). */
  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => { if (server) server.close(() => resolve()); else resolve(); });
  }
}
