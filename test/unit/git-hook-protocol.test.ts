import assert from 'node:assert/strict';
import { BerthError } from '../../app/errors';
import { hookResponseWriter, readHookRequest } from '../../app/infra/git';
import { parseCgiHead } from '../../app/infra/git/cgi-head';
import { appFromGitDir } from '../../app/infra/git/hook-client';
import { ExitLineScanner, isZeroSha, parseRefUpdates } from '../../app/infra/git/hook-protocol';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

/** Feeds `text` to a scanner in the given chunk sizes; returns what was shown and the code. */
function scan(text: string, chunkSize: number): { shown: string; exitCode: number | null } {
  const scanner = new ExitLineScanner();
  let shown = '';
  for (let i = 0; i < text.length; i += chunkSize) shown += scanner.push(text.slice(i, i + chunkSize));
  const end = scanner.end();
  return { shown: shown + end.output, exitCode: end.exitCode };
}

describe('git hook protocol', () => {
  describe('parseRefUpdates', () => {
    it('reads one update per line and skips blank lines', () => {
      assert.deepEqual(parseRefUpdates(`${ZERO} ${A} refs/heads/main\n\n${A} ${ZERO} refs/tags/v1\n`), [
        { oldSha: ZERO, newSha: A, ref: 'refs/heads/main' },
        { oldSha: A, newSha: ZERO, ref: 'refs/tags/v1' },
      ]);
    });

    it('refuses malformed lines', () => {
      assert.throws(() => parseRefUpdates(`${A} nope refs/heads/main\n`), /unexpected line/);
      assert.throws(() => parseRefUpdates(`${A} ${B}\n`), /unexpected line/);
    });

    it('knows the zero sha', () => {
      assert.equal(isZeroSha(ZERO), true);
      assert.equal(isZeroSha(A), false);
    });
  });

  describe('ExitLineScanner', () => {
    const body = '-----> Building\n-----> Done\n@@berth-exit 3\n';

    for (const size of [1, 2, 5, 13, 1000]) {
      it(`finds the exit line and hides it, in chunks of ${size}`, () => {
        assert.deepEqual(scan(body, size), { shown: '-----> Building\n-----> Done\n', exitCode: 3 });
      });
    }

    it('accepts an exit line without a final newline', () => {
      assert.deepEqual(scan('ok\n@@berth-exit 0', 3), { shown: 'ok\n', exitCode: 0 });
    });

    it('counts only the very last line', () => {
      assert.deepEqual(scan('@@berth-exit 0\nmore\n', 4), { shown: '@@berth-exit 0\nmore\n', exitCode: null });
      assert.deepEqual(scan('@@berth-exit 0\n@@berth-exit 1\n', 1), { shown: '@@berth-exit 0\n', exitCode: 1 });
    });

    it('passes text on at once, partial lines too, unless they may become the exit line', () => {
      const scanner = new ExitLineScanner();
      assert.equal(scanner.push('-----> Downloa'), '-----> Downloa');
      assert.equal(scanner.push('ding\n@@ber'), 'ding\n');
      assert.equal(scanner.push('ry\n'), '@@berry\n');
      assert.equal(scanner.push('@@berth-exit 0\n'), '');
      assert.deepEqual(scanner.end(), { output: '', exitCode: 0 });
    });

    it('reports no exit code when the stream was cut', () => {
      assert.deepEqual(scan('-----> Building\n@@berth-ex', 4), { shown: '-----> Building\n@@berth-ex', exitCode: null });
      assert.deepEqual(scan('', 1), { shown: '', exitCode: null });
    });

    it('treats codes above 255 as failure', () => {
      assert.equal(scan('@@berth-exit 999\n', 1).exitCode, 1);
    });
  });

  describe('hookResponseWriter', () => {
    it('writes lines and the exit line, and round-trips through the scanner', () => {
      let written = '';
      const writer = hookResponseWriter((s) => {
        written += s;
      });
      writer.line('one\ntwo');
      writer.line('@@berth-exit 0');
      writer.exit(7);
      writer.line('late');
      writer.exit(0);
      assert.equal(written, 'one\ntwo\n @@berth-exit 0\n@@berth-exit 7\n');
      assert.deepEqual(scan(written, 3), { shown: 'one\ntwo\n @@berth-exit 0\n', exitCode: 7 });
    });

    it('turns an invalid code into 1', () => {
      let written = '';
      hookResponseWriter((s) => {
        written += s;
      }).exit(-2);
      assert.equal(written, '@@berth-exit 1\n');
    });
  });

  describe('readHookRequest', () => {
    const valid = { app: 'shop', ref: 'refs/heads/main', oldSha: ZERO, newSha: A, snapshotPath: '/tmp/snaps/x.tar', user: 'ann' };

    it('returns a valid request', () => {
      assert.deepEqual(readHookRequest(valid), valid);
      assert.deepEqual(readHookRequest(valid, { snapshotsDir: '/tmp/snaps' }), valid);
    });

    it('accepts a deleted ref with an empty snapshot path', () => {
      const deleted = { ...valid, oldSha: A, newSha: ZERO, snapshotPath: '' };
      assert.deepEqual(readHookRequest(deleted), deleted);
    });

    const bad: Array<[string, unknown]> = [
      ['not an object', 'hello'],
      ['an array', [valid]],
      ['a missing field', { ...valid, user: undefined }],
      ['a bad app name', { ...valid, app: '../etc' }],
      ['a short ref', { ...valid, ref: 'main' }],
      ['a bad sha', { ...valid, newSha: 'HEAD' }],
      ['a relative snapshot path', { ...valid, snapshotPath: 'x.tar' }],
      ['no snapshot for a new commit', { ...valid, snapshotPath: '' }],
    ];
    for (const [what, body] of bad) {
      it(`refuses ${what} with INVALID_INPUT`, () => {
        assert.throws(() => readHookRequest(body), (e: unknown) => e instanceof BerthError && e.code === 'INVALID_INPUT');
      });
    }

    it('refuses a snapshot outside the snapshots folder', () => {
      assert.throws(
        () => readHookRequest({ ...valid, snapshotPath: '/tmp/snaps/../x.tar' }, { snapshotsDir: '/tmp/snaps' }),
        (e: unknown) => e instanceof BerthError && e.code === 'INVALID_INPUT',
      );
    });
  });

  describe('parseCgiHead', () => {
    it('waits for the blank line, then reads status, headers and the rest', () => {
      assert.equal(parseCgiHead(Buffer.from('Status: 404 Not Found\r\nContent-Type: text/plain\r\n')), null);
      const head = parseCgiHead(Buffer.from('Status: 404 Not Found\r\nContent-Type: text/plain\r\nX-A: 1\r\nx-a: 2\r\n\r\nbody\r\n\r\nmore'));
      assert.ok(head);
      assert.equal(head.status, 404);
      assert.deepEqual(head.headers, { 'Content-Type': 'text/plain', 'X-A': '1, 2' });
      assert.equal(head.rest.toString(), 'body\r\n\r\nmore');
    });

    it('defaults to 200 and accepts bare newlines', () => {
      const head = parseCgiHead(Buffer.from('Content-Type: application/x-git-upload-pack-result\n\n\u0000PACK'));
      assert.ok(head);
      assert.equal(head.status, 200);
      assert.equal(head.rest.toString('latin1'), '\u0000PACK');
    });
  });

  describe('appFromGitDir', () => {
    it('names the app after the bare repo folder', () => {
      assert.equal(appFromGitDir('.', '/var/lib/berth/repos/shop.git'), 'shop');
      assert.equal(appFromGitDir('/srv/repos/blog.git', '/'), 'blog');
    });
  });
});
