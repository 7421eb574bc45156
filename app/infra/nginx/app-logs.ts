import fs from 'node:fs';
import path from 'node:path';
import { nginxPaths } from './paths';
import { validateAppName } from './validate';

/** How much of a log's end is read at most: the last lines of a busy log, never the whole file. */
const MAX_READ = 1024 * 1024;

/**
 * The last `lines` lines of an app's nginx access or error log (`nginx:access-logs`,
 * `nginx:error-logs`); '' when nginx has written none yet (access log off, or no request).
 */
export function nginxAppLogReader(dir: string): (app: string, kind: 'access' | 'error', lines: number) => Promise<string> {
  const logsDir = nginxPaths(dir).logsDir;
  return async (app, kind, lines) => {
    const file = path.join(logsDir, `${validateAppName(app)}.${kind}.log`);
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw e;
    }
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, MAX_READ);
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, size - length);
      const all = buf.toString('utf8').split('\n');
      if (all[all.length - 1] === '') all.pop();
      // A cut first line (read from the middle of the file) is dropped.
      if (length < size) all.shift();
      const tail = all.slice(-lines);
      return tail.length ? `${tail.join('\n')}\n` : '';
    } finally {
      await handle.close();
    }
  };
}
