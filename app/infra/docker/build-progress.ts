import { BuildkitTrace } from './buildkit-trace';

/** One JSON message of docker's classic build output. */
interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  id?: string;
  aux?: { ID?: string } | string;
}

/**
 * Turns the raw bytes of a docker build response into log lines, and remembers the image id
 * and the first error. Messages are newline-delimited JSON, but neither a message nor a line
 * of `stream` text is guaranteed to arrive in one chunk, so both are buffered.
 */
export class BuildProgress {
  private pendingJson = '';
  private pendingText = '';
  imageId: string | null = null;
  error: string | null = null;

  private readonly trace: BuildkitTrace;

  constructor(private readonly onLine: (line: string) => void) {
    this.trace = new BuildkitTrace((l) => this.emit(l));
  }

  push(chunk: Buffer | string): void {
    this.pendingJson += chunk.toString();
    const lines = this.pendingJson.split('\n');
    this.pendingJson = lines.pop() ?? '';
    for (const raw of lines) this.handleJson(raw);
  }

  /** Call when the response has ended: flushes what is left. */
  end(): void {
    if (this.pendingJson.trim() !== '') this.handleJson(this.pendingJson);
    this.pendingJson = '';
    this.trace.end();
    if (this.pendingText !== '') this.emit(this.pendingText);
    this.pendingText = '';
  }

  private handleJson(raw: string): void {
    const text = raw.trim();
    if (text === '') return;
    let msg: BuildMessage;
    try {
      msg = JSON.parse(text) as BuildMessage;
    } catch {
      // Not JSON (an old or proxied engine): show it rather than lose it.
      this.emit(text);
      return;
    }
    // BuildKit (`version: "2"`): progress in trace messages, the image id in `moby.image.id`.
    if (msg.id === 'moby.buildkit.trace' && typeof msg.aux === 'string') return this.trace.push(msg.aux);
    if (typeof msg.stream === 'string') this.text(msg.stream);
    else if (typeof msg.status === 'string') this.text(`${msg.status}\n`);
    if (typeof msg.aux === 'object' && msg.aux?.ID) this.imageId = msg.aux.ID;
    const err = msg.errorDetail?.message ?? msg.error;
    if (typeof err === 'string' && this.error === null) this.error = err.trim();
  }

  private text(s: string): void {
    const parts = (this.pendingText + s).split('\n');
    this.pendingText = parts.pop() ?? '';
    for (const line of parts) this.emit(line);
  }

  private emit(line: string): void {
    this.onLine(line.replace(/\r+$/, ''));
  }
}
