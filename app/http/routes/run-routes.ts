import type { IncomingMessage } from 'node:http';
import { PassThrough, type Duplex } from 'node:stream';
import { type Request } from 'express';
import { need, strictRouter, type GuardedRouter } from '../strict-router';
import type { HttpServices } from '../http-services';
import { BerthError, STATUS_FOR_KIND, asBerthError } from '../../errors';
import { EXEC_UPGRADE, FRAME, FRAMED_STDIN_HEADER, FrameDecoder, errorFrame, exitFrame, frame } from '../../one-off';
import { tokenOf } from '../auth-middleware';
import { PROCESS_TYPE_PATTERN } from '../../naming';
import { prepareConnect } from '../../services-kit';
import type { CronListResponse } from '../../api-contract';

const PATH = /^\/api\/v1\/apps\/([^/]+)\/(run|enter)$/;
/** `berth <plugin>:connect <name>`: the plugin's client in the service container. */
const CONNECT_PATH = /^\/api\/v1\/services\/([^/]+)\/([^/]+)\/connect$/;
/** A process type (`web`: its first running container) or one container of it (`web.2`, as dokku names them). */
const PROCESS = new RegExp(`^${PROCESS_TYPE_PATTERN}(\\.[1-9]\\d{0,2})?$`);

/** A session on the upgraded socket: the socket's bytes are stdin; output goes back in frames. */
type Session = (io: { stdin: NodeJS.ReadableStream; onOutput: (chunk: Buffer) => void; signal: AbortSignal }) => Promise<number>;

function commandOf(raw: string | null): string[] {
  let parsed: unknown;
  try { parsed = raw === null ? null : JSON.parse(raw); } catch { parsed = null; }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.some((w) => typeof w !== 'string') || raw!.length > 65_536) {
    throw new BerthError('INVALID_INPUT', '"command" must be a JSON list of strings, e.g. ["ls","-la"] (`berth run <app> -- ls -la`).');
  }
  return parsed as string[];
}

function size(url: URL): { cols: number; rows: number } | undefined {
  const cols = Number(url.searchParams.get('cols'));
  const rows = Number(url.searchParams.get('rows'));
  return cols > 0 && rows > 0 && cols < 10_000 && rows < 10_000 ? { cols, rows } : undefined;
}

const decoded = (s: string): string => { try { return decodeURIComponent(s); } catch { return s; } };

/**
 * A service's client: who may read its data (admins; developers of an app it is linked to, the rule of
 * its export and logs; never viewers) may connect. The client can change the data too: so can import.
 */
async function connectSessionFor(berth: HttpServices, req: IncomingMessage, url: URL, m: RegExpExecArray): Promise<Session> {
  const user = berth.users.authenticate(tokenOf(req as Request));
  const plugin = decoded(m[1]);
  const name = decoded(m[2]);
  berth.access.authorizeService(user, { plugin, name, action: 'read', rest: '/connect' });
  const terminal = url.searchParams.get('tty') === '1' ? { size: size(url), term: url.searchParams.get('term') ?? undefined } : undefined;
  const run = await prepareConnect(berth.services.kit, plugin, name, terminal);
  return (io) => run(io);
}

/** Checks everything that can be checked before the upgrade, so such errors are plain HTTP ones. */
function sessionFor(berth: HttpServices, req: IncomingMessage, url: URL, m: RegExpExecArray): Session {
  const user = berth.users.authenticate(tokenOf(req as Request));
  const app = decodeURIComponent(m[1]);
  berth.access.authorize(user, 'write', app);
  berth.oneOff.currentRelease(app);
  const cron = url.searchParams.get('cron');
  if (m[2] === 'run' && cron !== null) {
    // `berth cron:run <app> <name>`: the entry's command now, as the schedule would run it (kind cron, its log tag).
    return async (io) => {
      const job = (await berth.cron.list(app)).find((j) => j.name === cron);
      if (!job) throw new BerthError('CRON_ENTRY_NOT_FOUND', `${app} has no cron entry "${cron.slice(0, 100)}"; \`berth cron:list ${app}\` shows them.`);
      return berth.oneOffs.run({ app, command: job.command, kind: 'cron', tag: `cron.${job.name}`, stdin: io.stdin, onOutput: io.onOutput, signal: io.signal });
    };
  }
  if (m[2] === 'run' && url.searchParams.get('detach') === '1') {
    // dokku's run:detached: started, its log tag answered, the session ends; the output is in `berth logs`.
    const command = commandOf(url.searchParams.get('command'));
    return async (io) => {
      io.onOutput(Buffer.from(`${await berth.oneOff.runDetached({ app, command })}\n`));
      return 0;
    };
  }
  if (m[2] === 'run') {
    const command = commandOf(url.searchParams.get('command'));
    return (io) => berth.oneOffs.run({ app, command, kind: 'run', stdin: io.stdin, onOutput: io.onOutput, signal: io.signal });
  }
  const process = url.searchParams.get('process') || 'web';
  if (!PROCESS.test(process)) throw new BerthError('INVALID_INPUT', `"${process}" is not a process type.`);
  const tty = url.searchParams.get('tty') === '1';
  const term = url.searchParams.get('term') ?? undefined;
  // `berth enter app web.1 ls -la` runs the command there instead of a shell (dokku's enter).
  const command = url.searchParams.has('command') ? commandOf(url.searchParams.get('command')) : undefined;
  return (io) => berth.oneOff.enter({ app, process, command, tty, size: size(url), term, ...io });
}

function reject(socket: Duplex, e: BerthError): void {
  const body = JSON.stringify({ error: { code: e.code, message: e.message } });
  const status = STATUS_FOR_KIND[e.kind];
  // Closed for good once the answer is out: a client that never closes its side keeps no socket here.
  socket.end(`HTTP/1.1 ${status} ${e.code}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`, () => socket.destroy());
}

/** The client's stdin from its input frames; its eof frame (or a half-close) ends it. */
function framedStdin(socket: Duplex): PassThrough {
  const stdin = new PassThrough();
  const decoder = new FrameDecoder((type, payload) => {
    if (type === FRAME.input) stdin.write(payload);
    else if (type === FRAME.eof) stdin.end();
  });
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  socket.on('end', () => stdin.end());
  return stdin;
}

/**
 * `berth run` and `berth enter` over an HTTP Upgrade (`Upgrade: berth-exec`): a raw two-way
 * socket carries stdin in and framed output plus the exit code out (app/one-off/frames.ts).
 * The token is checked as the API checks it. Other upgrade requests are left alone.
 */
export function execUpgradeHandler(berth: HttpServices, log: (line: string) => void) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://berth.invalid');
    const m = PATH.exec(url.pathname);
    const c = m ? null : CONNECT_PATH.exec(url.pathname);
    // Every Upgrade request gets an answer and its socket closed: node hands all of them here,
    // and one left unanswered (any path, any Upgrade value, no login) held a socket forever.
    if (!m && !c) {
      reject(socket, new BerthError('NOT_FOUND', `No upgrade endpoint at ${url.pathname.slice(0, 200)}.`));
      return;
    }
    const prepared = (async (): Promise<Session> => {
      if (req.headers.upgrade !== EXEC_UPGRADE) throw new BerthError('INVALID_INPUT', `Send "Upgrade: ${EXEC_UPGRADE}" to this endpoint.`);
      return m ? sessionFor(berth, req, url, m) : connectSessionFor(berth, req, url, c!);
    })();
    // While the checks run (connect asks the engine) nothing reads the socket: its bytes stay buffered.
    prepared.then(start, (e: unknown) => reject(socket, asBerthError(e)));

    function start(session: Session): void {
      const framed = req.headers[FRAMED_STDIN_HEADER] === 'framed';
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: ${EXEC_UPGRADE}\r\nconnection: Upgrade\r\n${framed ? `${FRAMED_STDIN_HEADER}: framed\r\n` : ''}\r\n`);
      if (head.length) socket.unshift(head);
      const stop = new AbortController();
      socket.on('close', () => stop.abort());
      socket.on('error', () => stop.abort());
      session({ stdin: framed ? framedStdin(socket) : socket, onOutput: (chunk) => { if (!socket.destroyed) socket.write(frame(FRAME.output, chunk)); }, signal: stop.signal })
        .then((code) => { if (!socket.destroyed) socket.end(exitFrame(code)); })
        .catch((e: unknown) => {
          const err = asBerthError(e);
          if (err.kind === 'internal') log(`exec session failed: ${(e as Error)?.stack ?? String(e)}`);
          if (!socket.destroyed) socket.end(errorFrame(err.code, err.message));
        });
    }
  };
}

/** `GET /apps/:app/cron`: the app's scheduled commands (the live release's app.json cron). */
export function cronRoutes(berth: HttpServices): GuardedRouter {
  const r = strictRouter();
  r.get('/apps/:app/cron', need.appRead, async (req, res) => {
    berth.apps.require(req.params.app);
    const jobs = await berth.cron.list(req.params.app);
    res.json({ cron: jobs.map((j) => ({ name: j.name, schedule: j.schedule, command: j.command })) } satisfies CronListResponse);
  });
  return r;
}
