import fs from 'node:fs';
import path from 'node:path';
import type { RequestLine, RequestLog, RequestLogChunk } from '../../ports/request-log';
import { nginxPaths } from './paths';

/** The file every app server logs its requests to (log_format berth_requests in nginx.conf.njk). */
export const REQUEST_LOG_FILE = 'berth.requests.log';

const APP = /^[a-z][a-z0-9-]{0,62}$/;

/** One `berth_requests` line: `<app> <msec> <status> <request_time>`; null when it is not one. */
export function parseRequestLine(line: string): RequestLine | null {
  const f = line.split(' ');
  if (f.length !== 4 || !APP.test(f[0])) return null;
  const atMs = Math.round(Number(f[1]) * 1000);
  const status = Number(f[2]);
  const seconds = Number(f[3]);
  if (!Number.isFinite(atMs) || !Number.isInteger(status) || !Number.isFinite(seconds) || seconds < 0) return null;
  return { app: f[0], atMs, status, seconds };
}

const identityOf = (st: fs.Stats) => `${st.dev}:${st.ino}`;

/**
 * Reads the router's request log from where the last read stopped. nginx appends (O_APPEND) whole
 * lines; a line still in its buffer is read next time. The caller empties the file once it has
 * read it all and it grew large (nginx keeps appending at the new end).
 */
export function nginxRequestLog(dir: string): RequestLog {
  const file = path.join(nginxPaths(dir).logsDir, REQUEST_LOG_FILE);
  return {
    async read(from, maxBytes): Promise<RequestLogChunk> {
      let handle: fs.promises.FileHandle;
      try {
        handle = await fs.promises.open(file, 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], identity: '', position: 0, size: 0 };
        throw e;
      }
      try {
        const st = await handle.stat();
        const identity = identityOf(st);
        // Another file (replaced) or a shorter one (emptied by someone else): from its start.
        const start = from && from.identity === identity && from.position <= st.size ? from.position : 0;
        const length = Math.min(st.size - start, maxBytes);
        if (length <= 0) return { lines: [], identity, position: start, size: st.size };
        const buf = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buf, 0, length, start);
        const end = buf.lastIndexOf(0x0a, bytesRead - 1);
        // No line end in a whole chunk: not our format; skip it rather than stall on it.
        if (end < 0) return { lines: [], identity, position: bytesRead === maxBytes ? start + bytesRead : start, size: st.size };
        const lines: RequestLine[] = [];
        for (const l of buf.toString('utf8', 0, end).split('\n')) {
          const parsed = parseRequestLine(l);
          if (parsed) lines.push(parsed);
        }
        return { lines, identity, position: start + end + 1, size: st.size };
      } finally {
        await handle.close();
      }
    },
    async cutIfUnchanged(identity, size) {
      let handle: fs.promises.FileHandle;
      try {
        handle = await fs.promises.open(file, 'r+');
      } catch {
        return false;
      }
      try {
        const st = await handle.stat();
        // A line nginx appends between this check and the truncate is lost: a moment, once per 16 MB.
        if (identityOf(st) !== identity || st.size !== size) return false;
        await handle.truncate(0);
        return true;
      } finally {
        await handle.close();
      }
    },
  };
}
