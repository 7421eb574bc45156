import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';

/**
 * A steady stream of GETs to berth's router, some of them slow, every failure counted. It acts as a
 * browser does and nothing more: a GET whose reused keep-alive socket is closed before any byte of
 * an answer arrives is sent once more on a new connection (RFC 9112 §9.3.1), and counted apart
 * (`retriedOnReusedSockets`), never hidden; any other reset, refusal, timeout or non-2xx fails.
 * It runs in a child process, so a test may block its own event loop (spawnSync of `git push` or
 * the CLI) while the load goes on.
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
  /**
   * Slow requests mixed in: every `every`-th request goes to `path` (its `{ms}` replaced by a
   * duration drawn evenly from minMs–maxMs), so requests are in flight when containers are
   * replaced, e.g. `{ every: 4, minMs: 1000, maxMs: 3000, path: '/cgi-bin/slow?{ms}' }`.
   */
  readonly slow?: { readonly every: number; readonly minMs: number; readonly maxMs: number; readonly path: string };
}

/**
 * The slow requests load and fault tests mix in: every fifth takes 1–3 s, so requests are in flight
 * whenever a redeploy, scale-down or restart replaces a container (the fixtures multi-process-app
 * and slow-build-app answer /cgi-bin/slow?<ms>). Their berths set a retire-wait above 3 s.
 */
export const SLOW_REQUESTS = { every: 5, minMs: 1000, maxMs: 3000, path: '/cgi-bin/slow?{ms}' } as const;

export interface LoadResult {
  readonly sent: number;
  /** Answered 2xx. */
  readonly ok: number;
  /** Answered, but not 2xx. */
  readonly non2xx: number;
  /** No answer, or an answer cut short: refused, reset, timed out. */
  readonly errors: number;
  /** non2xx + errors. */
  readonly failed: number;
  /**
   * Of the errors: connections reset (ECONNRESET, "socket hang up", an answer cut short), and of
   * those the ones on a reused keep-alive socket (its retry failed too, or an answer had begun).
   */
  readonly resets: number;
  readonly resetsOnReusedSockets: number;
  /**
   * GETs sent again, once, on a new connection because their reused keep-alive socket was closed
   * before any byte of an answer (what every nginx reload does to idle client connections: the old
   * workers close them at once; a request written at that instant meets the close). Browsers retry
   * exactly these; a retry that fails is counted in `errors`. Not a failure, and always reported.
   */
  readonly retriedOnReusedSockets: number;
  /** Slow requests sent, and of them answered 2xx. */
  readonly slowSent: number;
  readonly slowOk: number;
  /** Up to 20 samples of what failed, with the time since the start. */
  readonly samples: readonly string[];
  readonly seconds: number;
}

export interface RunningLoad {
  /** Stops sending, waits for answers in flight, and returns the counts. */
  stop(): Promise<LoadResult>;
  /**
   * Answers so far (2xx, and of them slow ones) and slow requests sent, as the load process last
   * reported them (at its latest 2xx answer): a test waits (test/support/poll.ts) until slow
   * requests are being answered before it redeploys, so some are in flight when containers are
   * replaced, instead of sleeping "long enough".
   */
  progress(): { readonly ok: number; readonly slowOk: number; readonly slowSent: number };
  /** The counts once the load stopped by itself (maxSeconds or maxRequests reached): a measured window. */
  finished(): Promise<LoadResult>;
}

export function steadyLoad(options: LoadOptions): Promise<RunningLoad> {
  const child: ChildProcess = fork(__filename, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result = new Promise<LoadResult>((resolve, reject) => {
    child.on('message', (m) => { if (!(m as { ready?: boolean }).ready && !(m as { progress?: unknown }).progress) resolve(m as LoadResult); });
    child.once('exit', (code) => reject(new Error(`the load process exited (${code}) before it reported`)));
  });
  result.catch(() => undefined);
  let progress = { ok: 0, slowOk: 0, slowSent: 0 };
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m) => {
      const p = (m as { progress?: { ok: number; slowOk: number; slowSent: number } }).progress;
      if (p) { progress = p; return; }
      if (!(m as { ready?: boolean }).ready) return;
      resolve({
        stop: async () => {
          if (child.connected) child.send('stop');
          return result;
        },
        progress: () => progress,
        finished: () => result,
      });
    });
  });
}

/** The child's side: open-loop requests at a fixed rate over a keep-alive agent (browser retry rule only). */
async function runLoad(o: LoadOptions): Promise<LoadResult> {
  // Idle sockets are dropped after 2 s, well before nginx's keepalive_timeout (65 s) closes them,
  // so a reset on a reused socket is the server's doing, not a race with an idle timeout.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 2000 });
  const rps = o.rps ?? 20;
  const maxRequests = o.maxRequests ?? 20_000;
  const started = Date.now();
  const counts = { sent: 0, ok: 0, non2xx: 0, errors: 0, resets: 0, resetsOnReusedSockets: 0, retriedOnReusedSockets: 0, slowSent: 0, slowOk: 0 };
  const samples: string[] = [];
  const note = (what: string) => { if (samples.length < 20) samples.push(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`); };
  const inFlight = new Set<Promise<void>>();

  const isReset = (e: NodeJS.ErrnoException) =>
    e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.message === 'socket hang up' || e.message === 'aborted';

  const once = (path: string, slow: boolean, retry = false): Promise<void> => new Promise((resolve) => {
    let settled = false;
    let answered = false;
    const fail = (e: NodeJS.ErrnoException, reused: boolean) => {
      if (settled) return;
      settled = true;
      if (reused && !answered && !retry && isReset(e)) {
        // The browser rule: closed under us before any answer, on a socket that had served before.
        counts.retriedOnReusedSockets++;
        note(`${path}: ${e.code ?? ''} ${e.message} on a reused socket before any answer: sent again on a new connection`);
        void once(path, slow, true).then(resolve);
        return;
      }
      counts.errors++;
      if (isReset(e)) {
        counts.resets++;
        if (reused) counts.resetsOnReusedSockets++;
      }
      note(`${path}: ${e.code ?? ''} ${e.message}${reused ? ' (reused socket)' : ''}`);
      resolve();
    };
    const req = http.get({ host: '127.0.0.1', port: o.port, path, headers: { host: o.host }, agent: retry ? false : agent, timeout: 30_000 }, (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { if (body.length < 300) body += c; });
      res.on('aborted', () => fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), req.reusedSocket));
      res.on('error', (e) => fail(e, req.reusedSocket));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          counts.ok++;
          if (slow) counts.slowOk++;
          process.send?.({ progress: { ok: counts.ok, slowOk: counts.slowOk, slowSent: counts.slowSent } });
        }
        else { counts.non2xx++; note(`${path}: ${status} ${body.replace(/\s+/g, ' ').slice(0, 120)}`); }
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 30 s')));
    req.on('error', (e: NodeJS.ErrnoException) => fail(e, req.reusedSocket));
  });

  await new Promise<void>((resolve) => {
    const stopAt = started + (o.maxSeconds ?? 900) * 1000;
    const timer = setInterval(() => {
      if (counts.sent >= maxRequests || Date.now() >= stopAt) { clearInterval(timer); resolve(); return; }
      counts.sent++;
      const slow = o.slow !== undefined && counts.sent % o.slow.every === 0;
      let path = o.path ?? '/';
      if (slow) {
        counts.slowSent++;
        const ms = Math.round(o.slow!.minMs + Math.random() * (o.slow!.maxMs - o.slow!.minMs));
        path = o.slow!.path.replace('{ms}', String(ms));
      }
      const p = once(path, slow).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }, 1000 / rps);
    process.once('message', () => { clearInterval(timer); resolve(); });
  });
  await Promise.all([...inFlight]);
  agent.destroy();
  return { ...counts, failed: counts.non2xx + counts.errors, samples, seconds: (Date.now() - started) / 1000 };
}

/** One line for a test's message: the counts and the samples of what failed. */
export function describeLoad(r: LoadResult): string {
  return `sent ${r.sent} (slow ${r.slowSent}), ok ${r.ok} (slow ${r.slowOk}), non-2xx ${r.non2xx}, errors ${r.errors} (resets ${r.resets}, on reused sockets ${r.resetsOnReusedSockets}), sent again after a reused socket closed before any answer ${r.retriedOnReusedSockets}\n${r.samples.join('\n')}`;
}

if (require.main === module && process.send) {
  const options = JSON.parse(process.argv[2]) as LoadOptions;
  const result = runLoad(options);
  process.send({ ready: true });
  void result.then((r) => process.send!(r, () => process.exit(0)));
}
