import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LineSplitter, LogArchive, normalizeTime, tagOf } from '../../../app/logs';
import { FRAME, FrameDecoder, exitFrame, frame } from '../../../app/one-off/frames';

describe('logs: entries, archive, exec frames', () => {
  it('normalizes times so that they sort as strings', () => {
    assert.equal(normalizeTime('2024-05-01T10:00:00.12Z'), '2024-05-01T10:00:00.120000000Z');
    assert.equal(normalizeTime('2024-05-01T10:00:00Z'), '2024-05-01T10:00:00.000000000Z');
    assert.equal(normalizeTime('2024-05-01T10:00:00.1234567891Z'), '2024-05-01T10:00:00.123456789Z');
    assert.ok(normalizeTime('2024-05-01T10:00:00.12Z') < normalizeTime('2024-05-01T10:00:00.123Z'));
  });

  it('tags containers <process>.<n>', () => {
    assert.equal(tagOf({ name: '/berth.my-app.web.2.abc123', labels: {} }), 'web.2');
    assert.equal(tagOf({ name: 'other', labels: { 'berth.process': 'worker' } }), 'worker.1');
  });

  it('splits output into lines across chunks', () => {
    const got: string[] = [];
    const s = new LineSplitter((ls) => got.push(...ls));
    s.push('a\nb'); s.push('c\r\n'); s.push('d');
    s.flush();
    assert.deepEqual(got, ['a', 'bc', 'd']);
  });

  it('keeps an app archive bounded by rotating', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-archive-'));
    try {
      const archive = new LogArchive({ dir, maxBytes: 4000 });
      for (let i = 0; i < 100; i++) archive.append('app', [{ at: normalizeTime(new Date(1e12 + i).toISOString()), tag: 'web.1', release: 1, text: `line ${i}` }]);
      const kept = archive.read('app');
      assert.ok(kept.length > 10 && kept.length < 100, `kept ${kept.length}`);
      assert.equal(kept.at(-1)!.text, 'line 99');
      const bytes = fs.readdirSync(path.join(dir, 'app')).reduce((n, f) => n + fs.statSync(path.join(dir, 'app', f)).size, 0);
      assert.ok(bytes <= 4000, `${bytes} bytes`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('frames exec output and the exit code', () => {
    const got: Array<[number, string]> = [];
    const d = new FrameDecoder((t, p) => got.push([t, p.toString()]));
    const bytes = Buffer.concat([frame(FRAME.output, 'hello\n'), exitFrame(3)]);
    for (const b of bytes) d.push(Buffer.from([b]));
    assert.deepEqual(got, [[FRAME.output, 'hello\n'], [FRAME.exit, '3']]);
  });
});
