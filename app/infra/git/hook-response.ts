import { EXIT_MARKER } from './hook-protocol';

export interface HookResponseWriter {
  /** Sends text to the pusher; each of its lines becomes one `remote: …` line. */
  line(text: string): void;
  /** Ends the protocol: 0 accepts the push, anything else rejects it. Later calls are ignored. */
  exit(code: number): void;
}

/**
 * Writes berth's side of the hook protocol (see hook-protocol.ts). `write` is usually
 * `(s) => res.write(s)` of a text/plain response; the caller ends the response after `exit`.
 */
export function hookResponseWriter(write: (s: string) => void): HookResponseWriter {
  let done = false;
  return {
    line(text) {
      if (done) return; // late log lines after the result must not follow the exit line
      for (const line of text.replace(/\r?\n$/, '').split(/\r?\n/)) {
        // A log line that looks like the exit line is indented, so it can never be taken for it.
        write(`${line.startsWith(EXIT_MARKER) ? ' ' : ''}${line}\n`);
      }
    },
    exit(code) {
      if (done) return;
      done = true;
      const valid = Number.isInteger(code) && code >= 0 && code <= 255;
      write(`${EXIT_MARKER} ${valid ? code : 1}\n`);
    },
  };
}
