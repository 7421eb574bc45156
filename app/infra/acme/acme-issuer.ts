import fs from 'node:fs';
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

/**
 * ACME over HTTP-01 with acme-client: the router serves each challenge on every app's HTTP server.
 * The client's own pre-check (an HTTP GET of the challenge) is skipped: the CA validates anyway,
 * and berth's host may not resolve its own domains. A private CA (a test's pebble) is trusted
 * through NODE_EXTRA_CA_CERTS.
 */
export class AcmeIssuer implements CertificateIssuer {
  constructor(private readonly opts: AcmeIssuerOptions) {}

  async issue(req: IssueRequest): Promise<IssuedCertificate> {
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
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, key, { mode: 0o600 });
    fs.renameSync(tmp, file);
    return fs.readFileSync(file);
  }
}
