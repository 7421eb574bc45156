/**
 * Splits docker's multiplexed log format (8-byte header: stream type, 3 zero bytes, uint32 BE
 * length) into the payloads, in order. A buffer that does not start with a valid header came
 * from a TTY container and is returned as it is.
 */
export function demuxFrames(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buf.length) {
    const type = buf[offset];
    const validHeader = (type === 0 || type === 1 || type === 2) && buf[offset + 1] === 0 && buf[offset + 2] === 0 && buf[offset + 3] === 0;
    if (!validHeader) break;
    const length = buf.readUInt32BE(offset + 4);
    const start = offset + 8;
    parts.push(buf.subarray(start, Math.min(start + length, buf.length)));
    offset = start + length;
  }
  if (offset === 0) return buf;
  if (offset < buf.length) parts.push(buf.subarray(offset));
  return Buffer.concat(parts);
}
