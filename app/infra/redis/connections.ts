import IORedis, { type Redis } from 'ioredis';
import { BerthError } from '../../errors';

export interface ConnectionOptions {
  readonly url: string;
  /** Told about connection errors (ioredis reconnects by itself; ping() reports the state). */
  readonly onError: (err: Error) => void;
  /** null = wait for Redis forever, as BullMQ requires of its connections; default 20 retries. */
  readonly maxRetriesPerRequest?: number | null;
}

/** A closing connection's socket is destroyed after this long (closeConnection QUITs first, when it can). */
export const DISCONNECT_TIMEOUT_MS = 200;

/** An ioredis connection that remembers its last error, so ping() can say why Redis is unreachable. */
export function openConnection(options: ConnectionOptions): Redis {
  const conn = new IORedis(options.url, {
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 20 : options.maxRetriesPerRequest,
    // How long a disconnect() waits for the socket to close before destroying it (ioredis: 2 s).
    // A connection closed while still connecting only closes at that deadline, and it holds the
    // process open until then: `admin:bootstrap` (which closes at once) took 2 s longer to exit.
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
  });
  watchErrors(conn, options.onError);
  return conn;
}

/** A second connection with the same options (for SUBSCRIBE or blocking reads). */
export function duplicateConnection(conn: Redis, onError: (err: Error) => void): Redis {
  const dup = conn.duplicate();
  watchErrors(dup, onError);
  return dup;
}

const lastErrors = new WeakMap<Redis, Error>();

function watchErrors(conn: Redis, onError: (err: Error) => void): void {
  conn.on('error', (err: Error) => {
    lastErrors.set(conn, err);
    onError(err);
  });
  conn.on('ready', () => lastErrors.delete(conn));
}

/** PING with a timeout: ioredis would otherwise queue the command until Redis comes back. */
export async function pingConnection(conn: Redis, url: string, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([conn.ping(), timeout]);
  } catch (e) {
    const reason = lastErrors.get(conn)?.message ?? (e instanceof Error ? e.message : String(e));
    throw new BerthError(
      'REDIS_UNAVAILABLE',
      `Redis at ${url} cannot be reached: ${reason}. Start redis-server (deploy/install.sh does).`,
      { cause: e },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** QUIT politely, but never hang: a connection that cannot answer is dropped. */
export async function closeConnection(conn: Redis, timeoutMs = 1000): Promise<void> {
  if (conn.status === 'end') return;
  if (conn.status !== 'ready') {
    conn.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([conn.quit().then(() => undefined), timeout]);
  } catch {
    // already closing; disconnect below settles it
  } finally {
    clearTimeout(timer);
    if ((conn.status as string) !== 'end') conn.disconnect();
  }
}
