import fs from 'node:fs';
import { BerthError, isBerthError } from '../errors';
import { assertAppName } from '../apps/app-name';
import { CertFiles, certCovers, parseCertPair } from '../certs';
import { readOrMakeHopSecret } from './hop-secret';
import type { CertificateIssuer } from '../ports/certificate-issuer';
import type { OwnAddressRouter, Router } from '../ports/router';

const DAY = 86_400_000;
/** Where an ACME certificate of berth's own address is kept, beside the apps' (no app name starts with `_`). */
const OWN = '_berth';

export interface OwnAddressDeps {
  /** BERTH_HOSTNAME; null: berth has no address of its own and nothing here does anything. */
  readonly hostname: string | null;
  /** berth's web listener, which the router proxies to (loopback). */
  readonly webPort: number;
  /** BERTH_TLS_CERT / BERTH_TLS_KEY; null: ACME. */
  readonly certFile: string | null;
  readonly keyFile: string | null;
  /** SSH transport port (BERTH_SSH_PORT); 0: off. */
  readonly sshPort: number;
  /** The router's HTTPS port as clients reach it (BERTH_ROUTER_HTTPS_PORT). */
  readonly httpsPort: number;
  readonly router: OwnAddressRouter & Pick<Router, 'putChallenge' | 'removeChallenge'>;
  readonly issuer: CertificateIssuer;
  readonly files: CertFiles;
  readonly acmeEmail: string;
  readonly renewDays: number;
  /** The router-hop secret's file (BERTH_HOME/router-hop.secret), made on first use. */
  readonly hopSecretFile: string;
  readonly now?: () => number;
}

export interface RemoteUrls {
  /** `https://<hostname>/git/<app>.git`. */
  readonly https: string;
  /** `berth@<hostname>:<app>` on port 22, else `ssh://berth@<hostname>:<port>/<app>`; null with SSH off. */
  readonly ssh: string | null;
}

/**
 * berth's own address (BERTH_HOSTNAME): the router serves the API, dashboard and git on it over
 * HTTPS with the admin's certificate or one from the ACME server, and plain HTTP redirects there.
 */
export class OwnAddress {
  private secret: string | null = null;

  constructor(private readonly deps: OwnAddressDeps) {}

  get hostname(): string | null { return this.deps.hostname; }

  /**
   * What berth's router adds to each request it proxies, proving the hop (OwnRoute.hopSecret);
   * null without an own address (then nothing proxies berth and no X-Forwarded-* is believed).
   */
  hopSecret(): string | null {
    if (this.deps.hostname === null) return null;
    this.secret ??= readOrMakeHopSecret(this.deps.hopSecretFile);
    return this.secret;
  }

  /** The base URL users reach berth at, or null without an own address. */
  baseUrl(): string | null {
    const { hostname, httpsPort } = this.deps;
    return hostname === null ? null : `https://${hostname}${httpsPort === 443 ? '' : `:${httpsPort}`}`;
  }

  remotes(app: string): RemoteUrls | null {
    assertAppName(app);
    const base = this.baseUrl();
    if (base === null) return null;
    const { hostname, sshPort } = this.deps;
    const ssh = sshPort === 0 ? null : sshPort === 22 ? `berth@${hostname}:${app}` : `ssh://berth@${hostname}:${sshPort}/${app}`;
    return { https: `${base}/git/${app}.git`, ssh };
  }

  /** Writes the router's config for the address (or removes it when there is none). Fails loudly: a bad certificate stops the start. */
  async apply(log: (line: string) => void): Promise<void> {
    const { hostname, router, webPort } = this.deps;
    if (hostname === null) { await router.applyOwn(null); return; }
    const tls = await this.certificate(log);
    await router.applyOwn({ hostname, tls, upstream: { host: '127.0.0.1', port: webPort }, hopSecret: this.hopSecret()! });
    log(`berth's own address: ${this.baseUrl()}/ (HTTP redirects to it)`);
  }

  /** The scheduled check: an ACME certificate due for renewal is renewed and served. */
  async renewDue(log: (line: string) => void): Promise<boolean> {
    if (this.deps.hostname === null || this.deps.certFile !== null) return false;
    const stored = this.deps.files.read(OWN);
    if (stored && !this.due(stored)) return false;
    await this.apply(log);
    return true;
  }

  private async certificate(log: (line: string) => void): Promise<{ cert: string; key: string }> {
    const { certFile, keyFile, hostname } = this.deps;
    if (certFile !== null && keyFile !== null) return this.given(certFile, keyFile, hostname!);
    const stored = this.deps.files.read(OWN);
    if (stored && !this.due(stored) && certCovers(parseCertPair(stored.cert, stored.key).info.domains, hostname!)) return stored;
    log(`berth's own address: asking the ACME server for a certificate for ${hostname}`);
    // The HTTP-01 challenge comes to the hostname: until there is a certificate, its HTTP server answers challenges only.
    await this.deps.router.applyOwn({ hostname: hostname!, tls: null, upstream: { host: '127.0.0.1', port: this.deps.webPort }, hopSecret: this.hopSecret()! });
    let issued;
    try {
      issued = await this.deps.issuer.issue({
        domains: [hostname!], email: this.deps.acmeEmail || undefined,
        publish: (c) => this.deps.router.putChallenge(c.token, c.content),
        unpublish: (c) => this.deps.router.removeChallenge(c.token),
      });
    } catch (e) {
      if (isBerthError(e)) throw e;
      throw new BerthError('ACME_FAILED', `The ACME server did not issue a certificate for ${hostname}: ${(e as Error).message}`, { cause: e });
    }
    const pair = parseCertPair(issued.cert, issued.key);
    this.deps.files.write(OWN, pair);
    return pair;
  }

  private given(certFile: string, keyFile: string, hostname: string): { cert: string; key: string } {
    let cert: string;
    let key: string;
    try {
      cert = fs.readFileSync(certFile, 'utf8');
      key = fs.readFileSync(keyFile, 'utf8');
    } catch (e) {
      throw new BerthError('INVALID_CONFIG', `BERTH_TLS_CERT / BERTH_TLS_KEY cannot be read: ${(e as Error).message}`);
    }
    const pair = parseCertPair(cert, key);
    if (!certCovers(pair.info.domains, hostname)) {
      throw new BerthError('INVALID_CONFIG', `BERTH_TLS_CERT is for ${pair.info.domains.join(' ') || 'no name'}, not BERTH_HOSTNAME=${hostname}.`);
    }
    return pair;
  }

  private due(pem: { cert: string; key: string }): boolean {
    const left = (Date.parse(parseCertPair(pem.cert, pem.key).info.notAfter) - (this.deps.now?.() ?? Date.now())) / DAY;
    return left < this.deps.renewDays;
  }
}
