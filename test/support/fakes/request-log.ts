import type { RequestLine, RequestLog, RequestLogChunk } from '../../../app/ports/request-log';
// The line format is nginx's log_format (berth_requests): one parser for the file and for this fake.
import { parseRequestLine as parse } from '../../../app/infra/nginx';

/**
 * The RequestLog port in memory, for unit tests: the router's log file as bytes with an identity
 * (the file's device and inode on disk), which `replaceFile` changes. Reads are of whole lines from
 * a position, at most maxBytes, as infra/nginx's reader does; test/conformance/request-log.ts holds
 * both to one contract.
 */
export class InMemoryRequestLog implements RequestLog {
  private bytes: Buffer | null = null;
  private generation = 0;

  /** Appends as nginx does (making the file when there is none). */
  append(text: string): void {
    this.bytes = Buffer.concat([this.bytes ?? Buffer.alloc(0), Buffer.from(text, 'utf8')]);
  }

  /** Another file in its place (a new identity), empty. */
  replaceFile(): void {
    this.generation += 1;
    this.bytes = Buffer.alloc(0);
  }

  /** Emptied by someone else (same identity). */
  truncate(): void {
    if (this.bytes) this.bytes = Buffer.alloc(0);
  }

  async read(from: { readonly identity: string; readonly position: number } | null, maxBytes: number): Promise<RequestLogChunk> {
    if (!this.bytes) return { lines: [], identity: '', position: 0, size: 0 };
    const identity = `mem:${this.generation}`;
    const size = this.bytes.length;
    const start = from && from.identity === identity && from.position <= size ? from.position : 0;
    const chunk = this.bytes.subarray(start, start + Math.min(size - start, maxBytes));
    if (chunk.length === 0) return { lines: [], identity, position: start, size };
    const end = chunk.lastIndexOf(0x0a);
    if (end < 0) return { lines: [], identity, position: chunk.length === maxBytes ? start + chunk.length : start, size };
    const lines = chunk.toString('utf8', 0, end).split('\n').map(parse).filter((l): l is RequestLine => l !== null);
    return { lines, identity, position: start + end + 1, size };
  }

  async cutIfUnchanged(identity: string, size: number): Promise<boolean> {
    if (!this.bytes || identity !== `mem:${this.generation}` || this.bytes.length !== size) return false;
    this.bytes = Buffer.alloc(0);
    return true;
  }
}
