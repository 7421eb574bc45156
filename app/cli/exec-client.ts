import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { apiError, type ApiClient } from './api-client';
import { CliError } from './cli-error';

/**
 * The client side of berth's exec protocol (`berth run`, `berth enter`): an HTTP Upgrade to
 * `berth-exec`; our stdin goes up raw (half-close = EOF); the server answers with frames of
 * `[type u8][length u32 BE][payload]`, type 1 output, 2 exit code, 3 error `{code,message}`.
 * The server's side is app/one-off/frames.ts; keep the two in step.
 */
const OUTPUT = 1;
const EXIT = 2;
const ERROR = 3;
const INPUT = 4;
const EOF = 5;
/** Asks the server to take stdin as INPUT frames and one EOF frame instead of raw bytes and a half-close, which a proxy (berth's router) turns into a closed connection. */
const FRAMED_STDIN = 'x-berth-stdin';

function inputFrame(type: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

export interface ExecStreams {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  readonly stdout: NodeJS.WritableStream;
  /** Put a terminal stdin in raw mode for the session (berth enter with a TTY). */
  readonly raw: boolean;
}

function decode(onFrame: (type: number, payload: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 5) {
      const length = pending.readUInt32BE(1);
      if (pending.length < 5 + length) return;
      onFrame(pending[0], pending.subarray(5, 5 + length));
      pending = pending.subarray(5 + length);
    }
  };
}

function upgrade(api: ApiClient, path: string): Promise<{ socket: Duplex; head: Buffer; framed: boolean }> {
  const url = new URL(api.host + path);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, {
      ...api.tlsOptions(),
      headers: { authorization: `Bearer ${api.token}`, connection: 'Upgrade', upgrade: 'berth-exec', [FRAMED_STDIN]: 'framed' },
    });
    // An older berth does not repeat the header: it reads raw stdin.
    req.on('upgrade', (res, socket, head) => resolve({ socket, head, framed: res.headers[FRAMED_STDIN] === 'framed' }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(apiError(res.statusCode ?? 0, res.statusMessage, Buffer.concat(chunks).toString('utf8'))));
    });
    req.on('error', (e: Error & { code?: string }) => reject(new CliError('UNREACHABLE',
      e.code === 'ECONNREFUSED' ? `berth is not reachable at ${api.host} — is it running?` : `request to berth at ${api.host} failed: ${e.message}`, { cause: e })));
    req.end();
  });
}

/** Runs one exec session; resolves with the remote command's exit code. */
export async function execSession(api: ApiClient, path: string, io: ExecStreams): Promise<number> {
  const { socket, head, framed } = await upgrade(api, path);
  const rawMode = io.raw && io.stdin.isTTY === true && typeof io.stdin.setRawMode === 'function';
  const onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    socket.write(framed ? inputFrame(INPUT, bytes) : bytes);
  };
  const onEnd = (): void => { if (framed) socket.write(inputFrame(EOF, Buffer.alloc(0))); else socket.end(); };
  try {
    return await new Promise<number>((resolve, reject) => {
      let exit: number | null = null;
      let error: CliError | null = null;
      const push = decode((type, payload) => {
        if (type === OUTPUT) io.stdout.write(payload);
        else if (type === EXIT) exit = Number(payload.toString('utf8'));
        else if (type === ERROR) {
          const e = JSON.parse(payload.toString('utf8')) as { code: string; message: string };
          error = new CliError(e.code, e.message);
        }
      });
      if (head.length) push(head);
      socket.on('data', push);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (error) reject(error);
        else if (exit !== null && Number.isInteger(exit)) resolve(exit);
        else reject(new CliError('CONNECTION_LOST', `the connection to berth at ${api.host} closed before the command ended`));
      });
      if (rawMode) io.stdin.setRawMode!(true);
      io.stdin.on('data', onData);
      io.stdin.once('end', onEnd);
      io.stdin.resume();
    });
  } finally {
    io.stdin.removeListener('data', onData);
    io.stdin.removeListener('end', onEnd);
    if (rawMode) io.stdin.setRawMode!(false);
    io.stdin.pause();
    socket.destroy();
  }
}
