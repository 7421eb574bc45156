import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error';
import type { CliIo } from './types';

/**
 * Files named on the command line. Over SSH the CLI runs inside berth (as root), so a path the
 * user gives would be berth's own disk: there, every verb that reads one refuses (LOCAL_FILE_OVER_SSH)
 * before touching the path — no read, no stat, no existence oracle, no FIFO to block on.
 */
export function assertLocalFiles(io: CliIo, file: string): void {
  if (io.localFiles === false) {
    throw new CliError('LOCAL_FILE_OVER_SSH', `Over SSH berth reads no file you name (it would be berth's own disk): run this with the berth CLI on your machine (not reading ${JSON.stringify(file.slice(0, 80))}).`);
  }
}

/**
 * Reads a small text file the user named: a regular file only (a FIFO or device is refused
 * without blocking: opened non-blocking, checked with fstat), at most `maxBytes`.
 */
export async function readUserFile(io: CliIo, file: string, o: { what: string; maxBytes: number }): Promise<string> {
  assertLocalFiles(io, file);
  const unreadable = (why: string) => new CliError('FILE_UNREADABLE', `cannot read the ${o.what} file ${file}: ${why}`);
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(path.resolve(io.cwd, file), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw unreadable((e as Error).message);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw unreadable('not a regular file');
    if (st.size > o.maxBytes) throw unreadable(`larger than ${o.maxBytes} bytes`);
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}
