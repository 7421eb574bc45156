import net from 'node:net';
import crypto from 'node:crypto';
import { Server, utils, type Connection, type ServerChannel } from 'ssh2';
import type { SshExec } from '../../ports/ssh-session';
import { loadOrCreateHostKey } from './host-key';

export type { SshExec };

export interface SshServerOptions<U> {
  readonly port: number;
  readonly host: string;
  readonly hostKeyFile: string;
  /** The user a public key belongs to, by `SHA256:<base64>` fingerprint; null refuses the key. */
  readonly userOfKey: (fingerprint: string) => U | null;
  /** Runs one command; resolves to its exit status. */
  readonly exec: (o: SshExec<U>) => Promise<number>;
  readonly log: (line: string) => void;
  /** Seconds a client has to authenticate; then the connection is closed (no socket held by strangers). */
  readonly authTimeoutSeconds: number;
}

const fingerprintOf = (blob: Buffer): string => `SHA256:${crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

/**
 * berth's SSH transport: public-key logins only (keys map to users), one `exec` per session,
 * no shells, no port forwarding. What a command does is up to `exec`.
 */
export async function startSshServer<U>(o: SshServerOptions<U>): Promise<{ port: number; close(): Promise<void> }> {
  // Connections that have not logged in yet, by remote address:port, with the timer that ends them.
  const unauthenticated = new Map<string, NodeJS.Timeout>();
  const server = new Server({ hostKeys: [loadOrCreateHostKey(o.hostKeyFile)] }, (client: Connection, info: { ip: string; port: number }) => {
    let user: U | null = null;
    client.once('ready', () => { clearTimeout(unauthenticated.get(`${info.ip}:${info.port}`)); });
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') { ctx.reject(['publickey']); return; }
      const found = o.userOfKey(fingerprintOf(ctx.key.data));
      if (!found) { ctx.reject(['publickey']); return; }
      if (ctx.signature) {
        const key = utils.parseKey(ctx.key.data);
        if (key instanceof Error || ctx.blob === undefined || key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) { ctx.reject(['publickey']); return; }
        user = found;
      }
      // Without a signature the client only asks whether the key would do: yes.
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        let gitProtocol: string | undefined;
        session.on('env', (accept, _reject, info) => {
          if (info.key === 'GIT_PROTOCOL' && /^[a-z0-9=:.-]{1,40}$/i.test(info.val)) gitProtocol = info.val;
          accept?.();
        });
        session.on('pty', (_accept, reject) => reject?.());
        session.on('shell', (_accept, reject) => reject());
        session.once('exec', (accept, _reject, info) => {
          const channel: ServerChannel = accept();
          const stop = new AbortController();
          channel.on('close', () => stop.abort());
          o.exec({ user: user!, command: info.command, gitProtocol, stdin: channel, stdout: channel, stderr: channel.stderr, signal: stop.signal })
            .catch((e: unknown) => { channel.stderr.write(`berth: ${(e as Error).message}\n`); return 1; })
            .then((code) => { if (!stop.signal.aborted) { channel.exit(code); channel.end(); } });
        });
      });
    });
    client.on('error', (e) => o.log(`ssh: client error: ${e.message}`));
  });
  // berth's own listener hands sockets to ssh2 after starting a login clock: ssh2 only sees a
  // client once it sent its version line, so a silent one would otherwise hold a socket forever.
  const tcp = net.createServer((socket) => {
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    unauthenticated.set(key, setTimeout(() => socket.destroy(), o.authTimeoutSeconds * 1000));
    socket.once('close', () => { clearTimeout(unauthenticated.get(key)); unauthenticated.delete(key); });
    server.injectSocket(socket);
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(o.port, o.host, () => resolve());
  });
  const address = tcp.address() as { port: number };
  return {
    port: address.port,
    close: () => new Promise<void>((r) => tcp.close(() => r())),
  };
}
