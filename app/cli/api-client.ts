import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { CliError } from './cli-error';
import type { Credentials } from './credentials';
import type { Progress } from './progress';

export interface ApiClientOptions extends Credentials {
  /** Spinner shown while a request is slow; none in tests. */
  readonly progress?: Progress;
  /** Sent as `x-berth-client`, for the audit trail. Default cli. */
  readonly client?: 'cli' | 'ssh';
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** `/api/v1/apps/<app><rest>` with the app name escaped. */
export const appPath = (app: string, rest = ''): string => `/api/v1/apps/${encodeURIComponent(app)}${rest}`;

/**
 * berth's REST API over node:http. Not fetch: undici aborts a body that is silent for 5
 * minutes, and a followed build log can be (a long `npm install`).
 */
export class ApiClient {
  constructor(private readonly opts: ApiClientOptions) {}

  get host(): string { return this.opts.host; }
  get token(): string { return this.opts.token; }
  get caFile(): string | undefined { return this.opts.caFile; }

  /** TLS options for node's https: the CA of `--ca-file` / BERTH_CA_FILE besides the system's, when given. */
  tlsOptions(): https.RequestOptions {
    const file = this.opts.caFile;
    if (!file) return {};
    let ca: string;
    try {
      ca = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new CliError('BAD_CONFIG', `the CA file ${file} cannot be read (${(e as Error).message}): fix BERTH_CA_FILE or log in again with --ca-file`);
    }
    return { ca: [...tls.rootCertificates, ca] };
  }

  /** A JSON request; resolves to the parsed body (undefined for 204). */
  async json<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const text = await this.withSpinner(async () => readAll(await this.open(method, path, body)));
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError('BAD_RESPONSE', `berth at ${this.host} answered ${method} ${path} with something that is not JSON`);
    }
  }

  get<T>(path: string): Promise<T> { return this.json<T>('GET', path); }

  /** POSTs a file as the raw body (e.g. a .tar.gz to deploy); resolves to the JSON answer. */
  async upload<T>(path: string, file: string, contentType: string): Promise<T> {
    const text = await this.withSpinner(async () => readAll(await this.open('POST', path, { file, contentType })));
    return JSON.parse(text) as T;
  }

  /** A plain-text response, whole. */
  text(path: string): Promise<string> {
    return this.withSpinner(async () => readAll(await this.open('GET', path)));
  }

  /** Streams a text response, calling `onLine` per line (without its newline) as lines arrive. */
  async lines(path: string, onLine: (line: string) => void, o: { method?: Method; body?: unknown; waiting?: string } = {}): Promise<void> {
    const progress = this.opts.progress;
    progress?.wait(o.waiting ?? 'waiting for the build…');
    try {
      const res = await this.open(o.method ?? 'GET', path, o.body);
      res.setEncoding('utf8');
      let pending = '';
      for await (const chunk of res as AsyncIterable<string>) {
        pending += chunk;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          onLine(pending.slice(0, nl).replace(/\r$/, ''));
          pending = pending.slice(nl + 1);
        }
      }
      if (pending) onLine(pending);
    } finally {
      progress?.done();
    }
  }

  private async withSpinner<T>(work: () => Promise<T>): Promise<T> {
    this.opts.progress?.wait(`waiting for berth at ${this.host}…`);
    try {
      return await work();
    } finally {
      this.opts.progress?.done();
    }
  }

  /** Sends the request; resolves on a 2xx response, throws the API's error otherwise. */
  private open(method: Method, path: string, body?: unknown): Promise<http.IncomingMessage> {
    const url = new URL(this.opts.host + path);
    const upload = body instanceof Object && 'file' in body && 'contentType' in body ? body as { file: string; contentType: string } : null;
    const payload = body === undefined || upload ? undefined : Buffer.from(JSON.stringify(body));
    // x-berth-client: the audit trail records that the change came from the CLI.
    const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${this.opts.token}`, accept: 'application/json, text/plain', 'x-berth-client': this.opts.client ?? 'cli' };
    if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
    if (upload) Object.assign(headers, { 'content-type': upload.contentType, 'content-length': fs.statSync(upload.file).size });
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { method, headers, ...this.tlsOptions() }, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) { resolve(res); return; }
        readAll(res).then((text) => reject(apiError(status, res.statusMessage, text)), reject);
      });
      req.on('error', (e) => reject(this.connectionError(e)));
      if (upload) fs.createReadStream(upload.file).on('error', reject).pipe(req);
      else req.end(payload);
    });
  }

  private connectionError(e: Error & { code?: string }): CliError {
    const reachable = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'];
    if (e.code === 'ECONNREFUSED') {
      return new CliError('UNREACHABLE', `berth is not reachable at ${this.host} — is it running? (deploy/install.sh starts it)`, { cause: e });
    }
    if (e.code && reachable.includes(e.code)) {
      return new CliError('UNREACHABLE', `berth is not reachable at ${this.host} (${e.code}) — check the host in \`berth login\``, { cause: e });
    }
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(e.code ?? '')) {
      return new CliError('TLS_UNTRUSTED', `berth's certificate at ${this.host} is not trusted (${e.code}): give its CA with --ca-file <pem> or BERTH_CA_FILE`, { cause: e });
    }
    return new CliError('UNREACHABLE', `request to berth at ${this.host} failed: ${e.message}`, { cause: e });
  }
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/** The API's `{error:{code,message}}` as a CliError; anything else (a proxy's page) by status. */
export function apiError(status: number, statusText: string | undefined, text: string): CliError {
  try {
    const err = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    if (err && typeof err.message === 'string') return new CliError(typeof err.code === 'string' ? err.code : `HTTP_${status}`, err.message);
  } catch { /* not JSON: fall through */ }
  const plain = text.trim().split('\n')[0]?.replace(/^berth:\s*/, '');
  return new CliError(`HTTP_${status}`, plain && plain.length < 300 && !plain.startsWith('<') ? plain : `berth answered HTTP ${status} ${statusText ?? ''}`.trim());
}
