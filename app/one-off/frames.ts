/**
 * The exec wire protocol (berth run / berth enter over an HTTP Upgrade): the server sends frames of
 * `[type u8][length u32 BE][payload]`. The client sends its stdin as raw bytes and half-closes for
 * EOF, or, when it asks with `x-berth-stdin: framed` (and the 101 answer repeats it), as input
 * frames and one eof frame: a proxy in between (berth's own router, nginx) ends the whole
 * connection at a half-close. The CLI has its own copy of the codec (app/cli/exec-client.ts)
 * because it does not import domain code; keep them in step.
 */
export const FRAME = { output: 1, exit: 2, error: 3, input: 4, eof: 5 } as const;

/** The request (and 101 answer) header that switches the client's stdin to frames. */
export const FRAMED_STDIN_HEADER = 'x-berth-stdin';

export const EXEC_UPGRADE = 'berth-exec';

export function frame(type: number, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

export const exitFrame = (code: number): Buffer => frame(FRAME.exit, String(code));
export const errorFrame = (code: string, message: string): Buffer => frame(FRAME.error, JSON.stringify({ code, message }));

/** Incremental decoder (used by tests and by anything server-side that reads frames). */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (type: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt32BE(1);
      if (this.pending.length < 5 + length) return;
      this.onFrame(this.pending[0], this.pending.subarray(5, 5 + length));
      this.pending = this.pending.subarray(5 + length);
    }
  }
}
