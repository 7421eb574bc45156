import type { CliIo } from './types';

type TerminalOut = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };

/**
 * Whether an exec session (`enter`, `<service>:connect`) asks the server for a terminal: only when
 * both ends here are one (piped stdin stays a script), with the terminal's size and TERM, so the
 * remote prompt and line editing fit the user's window.
 */
export function terminalRequest(io: CliIo, query: URLSearchParams): { tty: boolean; stdout: TerminalOut } {
  const stdout = io.stdout as TerminalOut;
  const tty = io.stdin.isTTY === true && stdout.isTTY === true;
  if (tty) {
    query.set('tty', '1');
    if (stdout.columns && stdout.rows) { query.set('cols', String(stdout.columns)); query.set('rows', String(stdout.rows)); }
    if (io.env.TERM) query.set('term', io.env.TERM);
  }
  return { tty, stdout };
}
