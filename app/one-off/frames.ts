/**
 * The exec wire protocol (berth run / berth enter over an HTTP Upgrade): the client sends its
 * stdin as raw bytes and half-closes for EOF; the server sends frames of
 * `[type u8][length u32 BE][payload]`. The CLI has its own copy of the decoder
 * (app/cli/exec-client.ts) because it does not import domain code; keep them in step.
 */
export const FRAME = { output: 1, exit: 2, error: 3 } as const;

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
