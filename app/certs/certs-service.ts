import crypto from 'node:crypto';
import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { RouteTls } from '../ports/router';
import type { CertRecord } from '../ports/routing-store';
import type { CertView } from '../api-contract';
import type { Store } from '../ports/store';
import type { CertFiles } from './cert-files';
import { describe, parseCertPair } from './cert-parse';
import type { AppsReader } from '../apps/apps-reader';

/** A certificate as certs:report and letsencrypt show it: the API contract's shape (app/api-contract/routing.ts). */
export type CertReport = CertView;

const DAY = 86_400_000;

/** An app's TLS certificate: checked, stored under $BERTH_HOME/certs/<app>/, handed to the router. */
export class CertsService {
  constructor(private readonly deps: {
    store: Pick<Store, 'certs'>;
    apps: AppsReader;
    events: EventsService;
    files: CertFiles;
    reroute: (app: string) => Promise<void>;
    now?: () => number;
  }) {}

  async add(app: string, pem: { cert: unknown; key: unknown }, user: string | null, source: CertRecord['source'] = 'manual'): Promise<CertReport> {
    this.requireApp(app);
    const { cert, key, info } = parseCertPair(pem.cert, pem.key);
    this.deps.files.write(app, { cert, key });
    this.deps.store.certs.put({
      app, source, subject: info.subject, domains: info.domains, notBefore: info.notBefore, notAfter: info.notAfter, fingerprint: info.fingerprint,
    });
    this.deps.events.record({ app, kind: 'certs.changed', message: `${source === 'acme' ? 'ACME' : 'added'} certificate for ${info.domains.join(' ')} (expires ${info.notAfter})`, user });
    await this.deps.reroute(app);
    return this.report(app)!;
  }

  async remove(app: string, user: string | null): Promise<void> {
    this.requireApp(app);
    if (!this.deps.store.certs.get(app)) throw new BerthError('CERT_NOT_FOUND', `${app} has no certificate.`);
    this.deps.store.certs.remove(app);
    this.deps.files.remove(app);
    this.deps.events.record({ app, kind: 'certs.changed', message: 'removed certificate', user });
    await this.deps.reroute(app);
  }

  report(app: string): CertReport | null {
    this.requireApp(app);
    const rec = this.deps.store.certs.get(app);
    if (!rec) return null;
    const pem = this.deps.files.read(app);
    const issuer = pem ? describe(new crypto.X509Certificate(pem.cert)).issuer : '';
    return { ...rec, issuer, expiresInDays: Math.floor((Date.parse(rec.notAfter) - this.now()) / DAY) };
  }

  list(): CertReport[] {
    return this.deps.store.certs.list().map((rec) => ({ ...rec, issuer: '', expiresInDays: Math.floor((Date.parse(rec.notAfter) - this.now()) / DAY) }));
  }

  /** What the router serves for the app, or null for HTTP only. */
  tlsOf(app: string): RouteTls | null {
    if (!this.deps.store.certs.get(app)) return null;
    return this.deps.files.read(app);
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private requireApp(app: string): void {
    if (!this.deps.apps.find(app)) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
  }
}
