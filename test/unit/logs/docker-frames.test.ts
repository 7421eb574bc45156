import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { demuxFrames, readFrames } from '../../../app/infra/docker/log-frames';

/** One frame of docker's multiplexed format: stream type, three zero bytes, the payload's length (uint32 BE). */
const frame = (type: 1 | 2, text: string): Buffer => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

/** Only the modem's demuxStream is used: no daemon is asked. */
const docker = new Docker({ socketPath: '/nonexistent/docker.sock' });

describe('docker log frames (dockerode demuxStream)', () => {
  it('joins the payloads of a log read whole, stdout and stderr in order', async () => {
    const buf = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]);
    assert.equal((await demuxFrames(docker, buf)).toString(), 'out 1\nerr 1\nout 2\n');
  });

  it('passes a TTY container\'s output (no frame headers) through as it is, short or long', async () => {
    assert.equal((await demuxFrames(docker, Buffer.from('hi\n'))).toString(), 'hi\n');
    assert.equal((await demuxFrames(docker, Buffer.from('plain text from a tty\nline 2\n'))).toString(), 'plain text from a tty\nline 2\n');
    assert.equal((await demuxFrames(docker, Buffer.alloc(0))).length, 0);
  });

  it('hands out each frame once it is whole, however the stream cuts it (mid-header, mid-payload)', async () => {
    const bytes = Buffer.concat([frame(1, '2026-01-01T00:00:00Z one\n'), frame(2, '2026-01-01T00:00:01Z two\n')]);
    const source = new PassThrough();
    const got: string[] = [];
    const done = readFrames(docker, source, (p) => got.push(p.toString()));
    const cuts = [0, 3, 11, 30, bytes.length];
    for (let i = 1; i < cuts.length; i++) source.write(bytes.subarray(cuts[i - 1], cuts[i]));
    source.end();
    await done;
    assert.deepEqual(got, ['2026-01-01T00:00:00Z one\n', '2026-01-01T00:00:01Z two\n']);
  });
});
