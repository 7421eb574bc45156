/** The header block a CGI program (here `git http-backend`) writes before its body. */
export interface CgiHead {
  /** From the `Status:` line; 200 when there is none. */
  readonly status: number;
  /** The other headers; repeated names are joined with `, `. */
  readonly headers: Record<string, string>;
  /** Body bytes that arrived in the same chunks as the headers. */
  readonly rest: Buffer;
}

/** Largest header block accepted; git's are a few hundred bytes. */
export const MAX_CGI_HEAD_BYTES = 64 * 1024;

/** Parses the header block at the start of `output`; null while the blank line has not arrived. */
export function parseCgiHead(output: Buffer): CgiHead | null {
  // latin1 maps bytes 1:1 to chars, so string offsets are byte offsets.
  const text = output.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  if (!end) return null;
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, end.index).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      const code = Number.parseInt(value, 10);
      if (code >= 100 && code <= 599) status = code;
      continue;
    }
    const existing = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing) headers[existing] = `${headers[existing]}, ${value}`;
    else headers[name] = value;
  }
  return { status, headers, rest: output.subarray(end.index + end[0].length) };
}
