import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { CliError } from './cli-error';
import { Progress } from './progress';
import type { CliIo } from './types';

/** What verbs print through: lines on stdout, errors on stderr, the spinner kept out of the way. */
export class Output {
  readonly progress: Progress;
  /** dokku's --quiet: `----->`/`=====>` lines and notes are left out. */
  quiet = false;

  constructor(private readonly io: CliIo) {
    this.progress = new Progress({ stream: io.stderr, enabled: Boolean(io.stdout.isTTY && io.stderr.isTTY) });
  }

  /** Text exactly as given (add the newline yourself). */
  write(text: string): void {
    this.progress.interrupt();
    this.io.stdout.write(text);
  }

  line(text = ''): void {
    if (this.quiet && /^(-----|=====)> /.test(text)) return;
    this.write(`${text}\n`);
  }

  json(value: unknown): void { this.write(`${JSON.stringify(value, null, 2)}\n`); }

  /** A dokku-style heading: `=====> text`. */
  heading(text: string): void { if (!this.quiet) this.line(`=====> ${text}`); }

  /** A note that is not the verb's output (safe to ignore when piping stdout). */
  note(text: string): void {
    if (this.quiet) return;
    this.progress.interrupt();
    this.io.stderr.write(`${text}\n`);
  }

  /** Reports an error: `!     message` (plus hint), or `{"error":{code,message}}` in JSON mode. */
  fail(e: unknown, json: boolean): void {
    this.progress.done();
    const code = e instanceof CliError ? e.code : typeof (e as { code?: unknown })?.code === 'string' ? String((e as { code: string }).code) : 'INTERNAL';
    const message = e instanceof Error ? e.message : String(e);
    if (json) {
      this.io.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
      return;
    }
    this.io.stderr.write(message.split('\n').map((l) => `!     ${l}\n`).join(''));
    if (e instanceof CliError && e.hint) this.io.stderr.write(`${e.hint}\n`);
  }

  get interactive(): boolean { return Boolean(this.io.stdin.isTTY); }

  /** Asks a question on stderr and reads one line from stdin; `hidden`: what is typed is not echoed (passwords). */
  async ask(question: string, o: { hidden?: boolean } = {}): Promise<string> {
    this.progress.done();
    // Hidden: readline echoes through its output; after the question, that output swallows everything.
    let muted = false;
    const stderr = this.io.stderr;
    const output = o.hidden ? new Writable({ write(chunk, _enc, done) { if (!muted) stderr.write(chunk); done(); } }) : stderr;
    const rl = createInterface({ input: this.io.stdin, output, ...(o.hidden ? { terminal: true } : {}) });
    try {
      const answer = rl.question(question);
      muted = o.hidden === true;
      return (await answer).trim();
    } finally {
      if (o.hidden) stderr.write('\n');
      rl.close();
    }
  }

  /** Everything on stdin (for piped secrets). */
  async readStdin(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of this.io.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
    return Buffer.concat(chunks).toString('utf8');
  }
}

/**
 * A value in one line, with terminal control characters shown as `\xNN`: what a table prints may
 * come from anyone (an event's message names a request's path), and ESC sequences would reach the
 * terminal of whoever reads it.
 */
const cell = (v: unknown): string => (v === null || v === undefined ? '' : String(v).replace(/\s*\n\s*/g, ' ')
  // eslint-disable-next-line no-control-regex
  .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));

/** Aligned columns with a header row; trailing spaces trimmed. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [headers.map(cell), ...rows.map((r) => r.map(cell))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n').join('');
}

/** `Label:   value` lines, labels padded to one width. */
export function keyValues(pairs: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length + 1));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${cell(v)}`.trimEnd() + '\n').join('');
}

/** 1536 -> "1.5 KiB"; exact bytes stay in --json. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u += 1; }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}
