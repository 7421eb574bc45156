import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';

/**
 * A steady stream of GETs to berth's router, counted. It runs in a child process, so a test may
 * block its own event loop (spawnSync of `git push` or the CLI) while the load goes on.
 */
export interface LoadOptions {
  /** The router's port on 127.0.0.1. */
  readonly port: number;
  /** Host header, e.g. `myapp.localhost`. */
  readonly host: string;
  readonly path?: string;
  /** Requests started per second. Default 20. */
  readonly rps?: number;
  /** Stop after this many requests. Default 20 000. */
  readonly maxRequests?: number;
  /** Stop after this many seconds. Default 900. */
  readonly maxSeconds?: number;
}

export interface LoadResult {
  readonly sent: number;
  /** Answered 2xx. */
  readonly ok: number;
  /** Answered, but not 2xx. */
  readonly non2xx: number;
  /** No answer: refused, reset, timed out. */
  readonly errors: number;
  /** non2xx + errors. */
  readonly failed: number;
  /**
   * Requests sent on a reused keep-alive connection that the server closed at that very moment,
   * before any answer, and sent again once on a new connection — what Node's docs
   * (`request.reusedSocket`), browsers and Go's http client do. Counted, not hidden.
   */
  readonly retriedStaleConnections: number;
  /** Up to 20 samples of what failed, with the time since the start. */
  readonly samples: readonly string[];
  readonly seconds: number;
}

export interface RunningLoad {
  /** Stops sending, waits for answers in flight, and returns the counts. */
  stop(): Promise<LoadResult>;
}

export function steadyLoad(options: LoadOptions): Promise<RunningLoad> {
  const child: ChildProcess = fork(__filename, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result = new Promise<LoadResult>((resolve, reject) => {
    child.on('message', (m) => { if (!(m as { ready?: boolean }).ready) resolve(m as LoadResult); });
    child.once('exit', (code) => reject(new Error(`the load process exited (${code}) before it reported`)));
  });
  result.catch(() => undefined);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m) => {
      if (!(m as { ready?: boolean }).ready) return;
      resolve({
        stop: async () => {
          if (child.connected) child.send('stop');
          return result;
        },
      });
    });
  });
}

/** The child's side: open-loop requests at a fixed rate over a keep-alive agent. */
async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const rps = o.rps ?? 20;
  const maxRequests = o.maxRequests ?? 20_000;
  const started = Date.now();
  const counts = { sent: 0, ok: 0, non2xx: 0, errors: 0, retriedStaleConnections: 0 };
  const samples: string[] = [];
  const note = (what: string) => { if (samples.length < 20) samples.push(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`); };
  const inFlight = new Set<Promise<void>>();

  const once = (retry: boolean): Promise<void> => new Promise((resolve) => {
    let answered = false;
    const req = http.get({ host: '127.0.0.1', port: o.port, path: o.path ?? '/', headers: { host: o.host }, agent, timeout: 15_000 }, (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { if (body.length < 300) body += c; });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) counts.ok++;
        else { counts.non2xx++; note(`${status} ${body.replace(/\s+/g, ' ').slice(0, 120)}`); }
        resolve();
      });
      res.on('error', (e) => { counts.errors++; note(`response: ${e.message}`); resolve(); });
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 15 s')));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (answered) return;
      if (retry && req.reusedSocket && (e.code === 'ECONNRESET' || e.message === 'socket hang up')) {
        counts.retriedStaleConnections++;
        void once(false).then(resolve);
        return;
      }
      counts.errors++;
      note(`${e.code ?? ''} ${e.message}`);
      resolve();
    });
  });

  await new Promise<void>((resolve) => {
    const stopAt = started + (o.maxSeconds ?? 900) * 1000;
    const timer = setInterval(() => {
      if (counts.sent >= maxRequests || Date.now() >= stopAt) { clearInterval(timer); resolve(); return; }
      counts.sent++;
      const p = once(true).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }, 1000 / rps);
    process.once('message', () => { clearInterval(timer); resolve(); });
  });
  await Promise.all([...inFlight]);
  agent.destroy();
  return { ...counts, failed: counts.non2xx + counts.errors, samples, seconds: (Date.now() - started) / 1000 };
}

if (require.main === module && process.send) {
  const options = JSON.parse(process.argv[2]) as LoadOptions;
  const result = runLoad(options);
  process.send({ ready: true });
  void result.then((r) => process.send!(r, () => process.exit(0)));
}
