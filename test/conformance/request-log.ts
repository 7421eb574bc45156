import assert from 'node:assert/strict';
import type { RequestLog } from '../../app/ports/request-log';

export interface OpenedRequestLog {
  readonly log: RequestLog;
  /** Appends to the log file as nginx does (making it when there is none). */
  append(text: string): void;
  /** Another file in its place (a new identity), empty. */
  replaceFile(): void;
  /** Emptied by someone else (same identity). */
  truncate(): void;
  close(): void;
}

/**
 * What every RequestLog must do (app/ports/request-log.ts; the metrics history reads the router's
 * requests through it), run against infra/nginx's reader of the log file and the unit tests'
 * InMemoryRequestLog, both in test/unit/conformance/request-log.test.ts (the file is read
 * in-process). Whole lines from where the last read stopped, at most maxBytes; a new or shorter file
 * read from its start; emptied only when nothing was added since it was read.
 */
export function requestLogConformance(name: string, open: () => OpenedRequestLog): void {
  describe(`request log conformance: ${name}`, () => {
    let o: OpenedRequestLog;
    beforeEach(() => { o = open(); });
    afterEach(() => o?.close());
    const MAX = 1024 * 1024;

    it('no file yet: nothing to read, at position 0 of no identity, and nothing to cut', async () => {
      assert.deepEqual(await o.log.read(null, MAX), { lines: [], identity: '', position: 0, size: 0 });
      assert.equal(await o.log.cutIfUnchanged('', 0), false);
    });

    it('reads whole lines from where the last read stopped; a line still being written waits for the next read', async () => {
      const first = 'shop 1700000000.123 200 0.004\nblog 1700000001.000 502 1.500\n';
      o.append(`${first}shop 17000`);
      const a = await o.log.read(null, MAX);
      assert.deepEqual(a.lines, [{ app: 'shop', atMs: 1700000000123, status: 200, seconds: 0.004 }, { app: 'blog', atMs: 1700000001000, status: 502, seconds: 1.5 }]);
      assert.equal(a.position, Buffer.byteLength(first));
      assert.equal(a.size, Buffer.byteLength(first) + 10);
      assert.notEqual(a.identity, '');
      o.append('00002.500 404 0.010\n');
      const b = await o.log.read(a, MAX);
      assert.deepEqual(b.lines, [{ app: 'shop', atMs: 1700000002500, status: 404, seconds: 0.01 }]);
      assert.equal(b.identity, a.identity);
      assert.equal(b.position, b.size);
      const c = await o.log.read(b, MAX);
      assert.deepEqual({ lines: c.lines, position: c.position }, { lines: [], position: b.position });
    });

    it('skips lines that are not the router\'s format, keeping the ones around them', async () => {
      o.append(['Shop 1700000000 200 0.1', 'shop 1700000000 200', 'shop 1700000000 abc 0.1', 'shop 1700000000 200 -1', 'shop 1700000003 201 0.2', ''].join('\n'));
      assert.deepEqual((await o.log.read(null, MAX)).lines, [{ app: 'shop', atMs: 1700000003000, status: 201, seconds: 0.2 }]);
    });

    it('reads at most maxBytes, in whole lines; a chunk of maxBytes with no line end is skipped, a shorter one waited for', async () => {
      const line = (i: number) => `shop 170000000${i}.000 200 0.001\n`;
      o.append(line(1) + line(2) + line(3));
      const a = await o.log.read(null, line(1).length * 2 + 5);
      assert.deepEqual(a.lines.map((l) => l.atMs), [1700000001000, 1700000002000]);
      assert.equal(a.position, line(1).length * 2);
      const b = await o.log.read(a, MAX);
      assert.deepEqual(b.lines.map((l) => l.atMs), [1700000003000]);
      o.append('x'.repeat(100));
      const waiting = await o.log.read(b, 200);
      assert.deepEqual({ lines: waiting.lines, position: waiting.position }, { lines: [], position: b.position });
      const skipped = await o.log.read(b, 50);
      assert.deepEqual({ lines: skipped.lines, position: skipped.position }, { lines: [], position: b.position + 50 });
    });

    it('another file in its place, or one shorter than the last position, is read from its start', async () => {
      o.append('shop 1700000001 200 0.1\nshop 1700000002 200 0.1\n');
      const a = await o.log.read(null, MAX);
      o.replaceFile();
      o.append('blog 1700000009 200 0.1\n');
      const b = await o.log.read(a, MAX);
      assert.notEqual(b.identity, a.identity);
      assert.deepEqual(b.lines.map((l) => l.app), ['blog']);
      o.truncate();
      o.append('wiki 1700000010 200 0.1\n');
      // A cursor past the end of this (emptied, then shorter) file: the file started over.
      const past = { identity: b.identity, position: b.position + 10 };
      const c = await o.log.read(past, MAX);
      assert.deepEqual(c.lines.map((l) => l.app), ['wiki']);
      assert.equal(c.position, c.size);
    });

    it('cutIfUnchanged empties the file only when it is still the size read and the same file', async () => {
      o.append('shop 1700000001 200 0.1\n');
      const a = await o.log.read(null, MAX);
      o.append('shop 1700000002 200 0.1\n');
      assert.equal(await o.log.cutIfUnchanged(a.identity, a.size), false, 'a line came since the read');
      assert.equal(await o.log.cutIfUnchanged('another', (await o.log.read(null, MAX)).size), false, 'another file');
      const b = await o.log.read(a, MAX);
      assert.deepEqual(b.lines.map((l) => l.atMs), [1700000002000]);
      assert.equal(await o.log.cutIfUnchanged(b.identity, b.size), true);
      const c = await o.log.read(b, MAX);
      assert.deepEqual({ lines: c.lines, identity: c.identity, position: c.position, size: c.size }, { lines: [], identity: b.identity, position: 0, size: 0 });
      o.append('shop 1700000003 200 0.1\n');
      assert.deepEqual((await o.log.read(c, MAX)).lines.map((l) => l.atMs), [1700000003000]);
    });
  });
}
