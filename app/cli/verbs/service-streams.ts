import http from 'node:http';
import https from 'node:https';
import { apiError, type ApiClient } from '../api-client';
import { CliError } from '../cli-error';

function request(api: ApiClient, o: { method: 'GET' | 'POST'; path: string; contentType?: string }): http.ClientRequest {
  const url = new URL(api.host + o.path);
  const transport = url.protocol === 'https:' ? https : http;
  const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${api.token}` };
  if (o.contentType) headers['content-type'] = o.contentType;
  return transport.request(url, { method: o.method, headers });
}

function readText(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => { text += c; });
    res.on('end', () => resolve(text));
    res.on('error', () => resolve(text));
  });
}

/**
 * Sends the request (with `input` as its binary body, if any) and hands a 2xx answer to `onAnswer`;
 * otherwise rejects with the API's error, or UNREACHABLE.
 */
function send(api: ApiClient, o: { method: 'GET' | 'POST'; path: string; input?: NodeJS.ReadableStream; contentType?: string }, reject: (e: Error) => void, onAnswer: (res: http.IncomingMessage) => void): void {
  const req = request(api, { method: o.method, path: o.path, contentType: o.input ? (o.contentType ?? 'application/octet-stream') : undefined });
  req.on('error', (e) => reject(new CliError('UNREACHABLE', `request to berth at ${api.host} failed: ${e.message}`)));
  req.on('response', (res) => {
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) { void readText(res).then((t) => reject(apiError(status, res.statusMessage, t))); return; }
    onAnswer(res);
  });
  if (o.input) o.input.pipe(req);
  else req.end();
}

/** GETs (or POSTs, empty) a binary stream into `out`; fails when the server cut it short (a failed dump). */
export function download(api: ApiClient, path: string, out: NodeJS.WritableStream, method: 'GET' | 'POST' = 'GET'): Promise<void> {
  return new Promise((resolve, reject) => {
    send(api, { method, path }, reject, (res) => {
      const cut = () => reject(new CliError('EXPORT_INCOMPLETE', 'the export stopped before its end; see the service\'s logs'));
      res.on('data', (c: Buffer) => out.write(c));
      res.on('end', () => (res.complete ? resolve() : cut()));
      res.on('aborted', cut);
      res.on('error', cut);
    });
  });
}

/** POSTs `input` as a binary body; resolves to the JSON answer. */
export function upload<T>(api: ApiClient, path: string, input: NodeJS.ReadableStream): Promise<T> {
  return new Promise((resolve, reject) => {
    send(api, { method: 'POST', path, input }, reject, (res) => {
      void readText(res).then((text) => {
        try { resolve(JSON.parse(text) as T); } catch { reject(new CliError('BAD_RESPONSE', 'berth answered the import with something that is not JSON')); }
      });
    });
  });
}

/** POSTs `input` as a binary body (or a JSON one, `json`); calls `onLine` for each line of the text answer as it arrives. */
export function uploadLines(api: ApiClient, path: string, input: NodeJS.ReadableStream, onLine: (line: string) => void, json = false): Promise<void> {
  return new Promise((resolve, reject) => {
    send(api, { method: 'POST', path, input, contentType: json ? 'application/json' : undefined }, reject, (res) => {
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        pending += c;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) { onLine(pending.slice(0, nl)); pending = pending.slice(nl + 1); }
      });
      res.on('end', () => { if (pending) onLine(pending); resolve(); });
      res.on('error', (e) => reject(new CliError('UNREACHABLE', `the answer from berth at ${api.host} broke off: ${e.message}`)));
    });
  });
}
