import http from 'node:http';
import https from 'node:https';
import { ExitLineScanner, HOOK_SECRET_HEADER } from './hook-protocol';

export interface PostRefOptions {
  readonly url: string;
  readonly secret: string;
  readonly payload: object;
  /** Where text for the pusher goes (the hook's stdout). */
  readonly out: (text: string) => void;
}

export interface PostRefResult {
  /** The exit code berth gave, or 1 when there was none. */
  readonly code: number;
  /** False when berth never answered (so nobody will use the snapshot). */
  readonly answered: boolean;
}

/** Longest error body shown from a refused request. */
const MAX_ERROR_BODY = 4096;

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
  } catch {
    // not JSON: show the text
  }
  return body.trim();
}

/** Where berth was expected, without credentials or query, for messages. */
function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Posts one pushed ref to berth and streams its answer to `out` as it arrives; resolves with
 * the exit code from the protocol's last line. Never rejects: every failure is told to the
 * pusher and becomes exit code 1, which rejects the push.
 */
export function postRef(options: PostRefOptions): Promise<PostRefResult> {
  const url = new URL(options.url);
  const body = JSON.stringify(options.payload);
  const client = url.protocol === 'https:' ? https : http;

  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: PostRefResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };

    const req = client.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          [HOOK_SECRET_HEADER]: options.secret,
        },
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('error', () => undefined); // a cut connection is reported on 'close'
        if (res.statusCode !== 200) {
          let text = '';
          res.on('data', (c: string) => {
            if (text.length < MAX_ERROR_BODY) text += c;
          });
          res.on('end', () => {
            options.out(`berth refused the push (HTTP ${res.statusCode}): ${errorMessage(text.slice(0, MAX_ERROR_BODY))}\n`);
            settle({ code: 1, answered: true });
          });
          res.on('close', () => settle({ code: 1, answered: true }));
          return;
        }
        const scanner = new ExitLineScanner();
        res.on('data', (c: string) => {
          const text = scanner.push(c);
          if (text) options.out(text);
        });
        res.on('end', () => {
          const { output, exitCode } = scanner.end();
          if (output) options.out(output);
          if (exitCode === null) options.out('\nberth ended the answer without a result; the push is rejected.\n');
          settle({ code: exitCode ?? 1, answered: true });
        });
        res.on('close', () => {
          if (settled || res.complete) return;
          const { output } = scanner.end();
          options.out(`${output}\nlost the connection to berth before the push finished; the push is rejected.\n`);
          settle({ code: 1, answered: true });
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      options.out(`berth is not reachable at ${shown(url)} — is it running? (${err.code ?? err.message})\n`);
      settle({ code: 1, answered: false });
    });
    req.end(body);
  });
}
