import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { runCli, type CliIo } from '../../../app/cli';

/** A writable that keeps what was written. */
export class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface RunResult { code: number; stdout: string; stderr: string }

/** Runs the CLI in-process with captured output and only the given environment. */
export async function run(argv: readonly string[], env: Record<string, string | undefined>, opts: { cwd?: string; stdin?: string } = {}): Promise<RunResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const io: CliIo = { stdout, stderr, stdin: Readable.from(opts.stdin ? [opts.stdin] : []), env, cwd: opts.cwd ?? process.cwd() };
  const code = await runCli(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export interface SeenRequest { method: string; url: string; auth: string | undefined; body: unknown }
export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: unknown) => void;

/** A stand-in for berth's API on 127.0.0.1, answering by `METHOD /path?query`. */
export class FakeBerth {
  readonly seen: SeenRequest[] = [];
  private readonly server: http.Server;
  private readonly routes = new Map<string, Handler>();

  constructor() {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => { raw += c.toString(); });
      req.on('end', () => {
        const body: unknown = raw ? JSON.parse(raw) : undefined;
        this.seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
        const handler = this.routes.get(`${req.method} ${req.url}`);
        if (handler) return handler(req, res, body);
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `fake berth has no ${req.method} ${req.url}` } }));
      });
    });
  }

  on(route: string, handler: Handler): this { this.routes.set(route, handler); return this; }

  json(route: string, status: number, body: unknown): this {
    return this.on(route, (_req, res) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A fresh FakeBerth for each test of the calling `describe`, and the CLI's env that points at it
 * (BERTH_URL, a token, PATH), handed to `use` before each test; stopped after each.
 */
export function useFakeBerth(use: (fake: FakeBerth, env: Record<string, string>) => void): void {
  let fake: FakeBerth;
  beforeEach(async () => {
    fake = new FakeBerth();
    use(fake, { BERTH_URL: await fake.start(), BERTH_TOKEN: 't', PATH: process.env.PATH ?? '' });
  });
  afterEach(() => fake.stop());
}
