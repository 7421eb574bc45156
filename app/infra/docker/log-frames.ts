import { Readable, Writable } from 'node:stream';
import type Docker from 'dockerode';

/**
 * docker's multiplexed output (stdout/stderr frames behind 8-byte headers) split by dockerode's
 * `modem.demuxStream`: `onPayload` gets each frame's payload in order (stdout and stderr alike).
 * Output without frame headers (a TTY container's) passes through as it comes. Resolves when the
 * source ends, closes or fails (a follower that stops destroys it).
 */
export function readFrames(docker: Docker, source: NodeJS.ReadableStream, onPayload: (payload: Buffer) => void): Promise<void> {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) { onPayload(chunk); done(); },
  });
  const ended = new Promise<void>((resolve) => {
    source.once('end', () => resolve());
    source.once('close', () => resolve());
    source.once('error', () => resolve());
  });
  docker.modem.demuxStream(source, sink, sink);
  return ended;
}

/**
 * A multiplexed log read whole (no follow) → its payloads joined. Under 8 bytes it cannot hold a
 * frame header: a TTY container's short output, returned as it is.
 */
export async function demuxFrames(docker: Docker, buf: Buffer): Promise<Buffer> {
  if (buf.length < 8) return buf;
  const parts: Buffer[] = [];
  await readFrames(docker, Readable.from([buf]), (p) => parts.push(p));
  return Buffer.concat(parts);
}
