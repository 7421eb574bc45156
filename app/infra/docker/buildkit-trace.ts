/**
 * BuildKit builds through the Engine API (`version: "2"`) report progress as `moby.buildkit.trace`
 * messages: base64 of a protobuf StatusResponse (moby/buildkit control.proto). This reads the few
 * fields berth shows — vertex names, cached/error, and log output — with a minimal wire-format
 * reader, and prints them the way `docker build --progress=plain` does (`#3 [2/4] RUN …`).
 */

type Field = { no: number; wire: number; value: number | Buffer };

function varint(buf: Buffer, at: number): [number, number] {
  let result = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    if (i >= buf.length) throw new Error('truncated varint');
    const b = buf[i++];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, i];
    shift += 7;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  while (i < buf.length) {
    const [key, next] = varint(buf, i);
    i = next;
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) { const [v, n] = varint(buf, i); out.push({ no, wire, value: v }); i = n; }
    else if (wire === 2) { const [len, n] = varint(buf, i); out.push({ no, wire, value: buf.subarray(n, n + len) }); i = n + len; }
    else if (wire === 1) { i += 8; }
    else if (wire === 5) { i += 4; }
    else throw new Error(`unknown wire type ${wire}`);
  }
  return out;
}

const str = (f: Field | undefined): string => (f && Buffer.isBuffer(f.value) ? f.value.toString('utf8') : '');

/** Turns trace messages into plain progress lines; one instance per build. */
export class BuildkitTrace {
  private readonly numbers = new Map<string, number>();
  private readonly shown = new Map<string, Set<string>>();
  private readonly partial = new Map<string, string>();

  constructor(private readonly onLine: (line: string) => void) {}

  private n(digest: string): number {
    let n = this.numbers.get(digest);
    if (n === undefined) { n = this.numbers.size + 1; this.numbers.set(digest, n); }
    return n;
  }

  private once(digest: string, what: string, line: string): void {
    const seen = this.shown.get(digest) ?? new Set<string>();
    this.shown.set(digest, seen);
    if (seen.has(what)) return;
    seen.add(what);
    this.onLine(line);
  }

  /** One `aux` value (base64). Unreadable messages are skipped: progress is for people. */
  push(aux: string): void {
    let top: Field[];
    try {
      top = fields(Buffer.from(aux, 'base64'));
    } catch {
      return;
    }
    for (const f of top) {
      if (!Buffer.isBuffer(f.value)) continue;
      try {
        if (f.no === 1) this.vertex(fields(f.value));
        else if (f.no === 3) this.log(fields(f.value));
      } catch { /* a malformed part */ }
    }
  }

  /** Lines a vertex printed without a final newline. */
  end(): void {
    for (const [digest, text] of this.partial) if (text) this.onLine(`#${this.n(digest)} ${text}`);
    this.partial.clear();
  }

  private vertex(v: Field[]): void {
    const digest = str(v.find((f) => f.no === 1));
    const name = str(v.find((f) => f.no === 3));
    if (!digest || !name) return;
    const cached = v.some((f) => f.no === 4 && f.value === 1);
    const started = v.some((f) => f.no === 5);
    const error = str(v.find((f) => f.no === 7));
    if (started || cached) this.once(digest, 'name', `#${this.n(digest)} ${name}`);
    if (cached) this.once(digest, 'cached', `#${this.n(digest)} CACHED`);
    if (error) this.once(digest, 'error', `#${this.n(digest)} ERROR: ${error}`);
  }

  private log(l: Field[]): void {
    const digest = str(l.find((f) => f.no === 1));
    const msg = l.find((f) => f.no === 4);
    if (!digest || !msg || !Buffer.isBuffer(msg.value)) return;
    const lines = ((this.partial.get(digest) ?? '') + msg.value.toString('utf8')).split('\n');
    this.partial.set(digest, lines.pop() ?? '');
    for (const line of lines) this.onLine(`#${this.n(digest)} ${line.replace(/\r+$/, '')}`);
  }
}
