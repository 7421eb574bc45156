import fs from 'node:fs';
import { sync as writeAtomicSync } from 'write-file-atomic';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import * as acme from 'acme-client';
import { BerthError } from '../../errors';
import type { CertificateIssuer, IssueRequest, IssuedCertificate } from '../../ports/certificate-issuer';

export interface AcmeIssuerOptions {
  /** The ACME directory (BERTH_ACME_DIRECTORY). */
  readonly directoryUrl: string;
  /** Holds `account.key` (mode 0600), made on first use. */
  readonly dir: string;
}

/** Each ACME request gives up after this long (acme-client sets none: a dropped SYN waits minutes). */
const REQUEST_TIMEOUT_MS = 10_000;
/**
 * acme-client retries a request that got no answer, a 429 or a 5xx 5 times, waiting 5, 10, … 25 s
 * (75 s for a server that is down). Two retries, 2 then 4 s apart (or what Retry-After says), still
 * ride out a blip; letsencrypt:enable fails within seconds, and renewals run again the next day.
 */
const RETRIES = 2;
const RETRY_DELAY_SECONDS = 2;

/** Errors of a request that got no answer at all (axios codes). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNABORTED']);

let configured = false;
/**
 * The retry settings live on acme-client's one shared axios instance (acme-client 5.4.0,
 * src/axios.js: `acmeSettings.retryMaxAttempts`, `retryDefaultDelay`), not on a Client.
 */
function configureAcmeHttp(): void {
  if (configured) return;
  configured = true;
  const settings = (acme.axios.defaults as { acmeSettings?: Record<string, unknown> }).acmeSettings;
  if (settings) Object.assign(settings, { retryMaxAttempts: RETRIES, retryDefaultDelay: RETRY_DELAY_SECONDS });
  acme.axios.defaults.timeout = REQUEST_TIMEOUT_MS;
}

/**
 * ACME over HTTP-01 with acme-client: the router serves each challenge on every app's HTTP server.
 * The client's own pre-check (an HTTP GET of the challenge) is skipped: the CA validates anyway,
 * and berth's host may not resolve its own domains. A private CA (a test's pebble) is trusted
 * through NODE_EXTRA_CA_CERTS.
 */
export class AcmeIssuer implements CertificateIssuer {
  constructor(private readonly opts: AcmeIssuerOptions) {
    configureAcmeHttp();
  }

  async issue(req: IssueRequest): Promise<IssuedCertificate> {
    // acme-client 5.4.0 loses the cause once its retries of an unanswered request run out (it
    // throws "Cannot read properties of undefined (reading 'config')"): ask the directory first.
    await this.checkReachable();
    try {
      return await this.issueWithAcme(req);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && UNREACHABLE.has(code) && !(e as { response?: unknown }).response) throw this.unreachable(code, e);
      throw e;
    }
  }

  /** Any HTTP answer from the directory URL will do; no answer within the timeout is ACME_FAILED. */
  private checkReachable(): Promise<void> {
    const url = this.opts.directoryUrl;
    return new Promise((resolve, reject) => {
      const req = (url.startsWith('https:') ? https : http).get(url, { timeout: REQUEST_TIMEOUT_MS }, (res) => { res.resume(); resolve(); });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => reject(this.unreachable((e as NodeJS.ErrnoException).code ?? e.message, e)));
    });
  }

  private unreachable(why: string, cause: unknown): BerthError {
    return new BerthError('ACME_FAILED',
      `The ACME server at ${this.opts.directoryUrl} could not be reached (${why}); check BERTH_ACME_DIRECTORY and that this host can reach it.`, { cause });
  }

  private async issueWithAcme(req: IssueRequest): Promise<IssuedCertificate> {
    const client = new acme.Client({ directoryUrl: this.opts.directoryUrl, accountKey: await this.accountKey() });
    const [key, csr] = await acme.crypto.createCsr({ commonName: req.domains[0], altNames: [...req.domains] });
    const cert = await client.auto({
      csr,
      email: req.email,
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
        if (challenge.type !== 'http-01') throw new BerthError('ACME_FAILED', `Only HTTP-01 challenges are supported, not ${challenge.type}.`);
        await req.publish({ token: challenge.token, content: keyAuthorization });
      },
      challengeRemoveFn: async (_authz, challenge, keyAuthorization) => {
        if (challenge.type === 'http-01') await req.unpublish({ token: challenge.token, content: keyAuthorization });
      },
    });
    return { cert, key: key.toString() };
  }

  private async accountKey(): Promise<Buffer> {
    const file = path.join(this.opts.dir, 'account.key');
    try {
      return fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    fs.mkdirSync(this.opts.dir, { recursive: true, mode: 0o700 });
    const key = await acme.crypto.createPrivateKey();
    writeAtomicSync(file, key, { mode: 0o600 });
    return fs.readFileSync(file);
  }
}
