import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import nodemailer from 'nodemailer';
import type { NotificationSenders } from '../../ports/notifications';

/** A receiver has this long to connect and answer; then the attempt fails and the queue retries later. */
const TIMEOUT_MS = 10_000;

export interface SendersOptions {
  /** Why berth may not connect to this address and port, or null: checked on every resolved address at connect time. */
  readonly refused: (address: string, port: number) => string | null;
}

/**
 * The wire for notifications: HTTP POSTs through node's own client (no redirects followed; the
 * address is checked again as the socket connects, so a name that now resolves to a forbidden
 * address is refused however it was checked before) and mail through nodemailer's SMTP transport.
 */
export function createNotificationSenders(options: SendersOptions): NotificationSenders {
  return {
    post: (url, body, headers) => post(url, body, headers, options),
    async sendMail(smtp, mail) {
      const transport = nodemailer.createTransport({
        host: smtp.host, port: smtp.port, secure: smtp.secure,
        auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
        connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS,
      });
      try {
        await transport.sendMail({ from: smtp.from, to: [...mail.to], subject: mail.subject, text: mail.text, html: mail.html });
      } finally {
        transport.close();
      }
    },
  };
}

function post(url: string, body: string, headers: Readonly<Record<string, string>>, options: SendersOptions): Promise<void> {
  const u = new URL(url);
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dns.lookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) { callback(err, '', 0); return; }
      const list = addresses as dns.LookupAddress[];
      const bad = list.map((a) => options.refused(a.address, port)).find((why) => why !== null);
      if (bad) { callback(new Error(`refused: ${bad}`), '', 0); return; }
      if (lookupOptions.all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      else callback(null, list[0]!.address, list[0]!.family);
    });
  };
  const client = u.protocol === 'https:' ? https : http;
  return new Promise<void>((resolve, reject) => {
    const req = client.request(u, {
      method: 'POST', lookup, timeout: TIMEOUT_MS, agent: false,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    }, (res) => {
      // The status only: the answer's body would let whoever adds a target read what a service on
      // an address they may reach (but not see) says (docs/security.md, notifications).
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`the receiver answered HTTP ${status}`));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}
