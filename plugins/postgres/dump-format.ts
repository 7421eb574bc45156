import { PassThrough } from 'node:stream';

/**
 * pg_dump's custom format (what `dokku postgres:export` writes: `pg_dump -Fc`) starts with these
 * bytes; a plain SQL dump (berth's own export) never does.
 */
const CUSTOM_MAGIC = Buffer.from('PGDMP');

/**
 * Reads the first bytes of `input` to tell the two formats apart, and gives back a stream that
 * still holds every byte (the ones read first, then the rest).
 */
export function sniffDumpFormat(input: NodeJS.ReadableStream): Promise<{ format: 'custom' | 'sql'; stream: NodeJS.ReadableStream }> {
  return new Promise((resolve, reject) => {
    const head: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      input.removeListener('data', onData);
      input.removeListener('end', finish);
      input.removeListener('error', onError);
      input.pause();
      const first = Buffer.concat(head);
      const out = new PassThrough();
      out.write(first);
      input.on('error', (e) => out.destroy(e));
      input.pipe(out);
      input.resume();
      resolve({ format: first.subarray(0, CUSTOM_MAGIC.length).equals(CUSTOM_MAGIC) ? 'custom' : 'sql', stream: out });
    };
    const onData = (c: Buffer | string) => {
      const b = Buffer.isBuffer(c) ? c : Buffer.from(c);
      head.push(b);
      size += b.length;
      if (size >= CUSTOM_MAGIC.length) finish();
    };
    const onError = (e: Error) => { if (!done) { done = true; reject(e); } };
    input.on('data', onData);
    input.on('end', finish);
    input.on('error', onError);
  });
}
