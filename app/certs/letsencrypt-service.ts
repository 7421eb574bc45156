import { BerthError, isBerthError } from '../errors';
import type { CertificateIssuer } from '../ports/certificate-issuer';
import type { Router } from '../ports/router';
import type { Store } from '../ports/store';
import type { CertReport, CertsService } from './certs-service';
import type { LetsencryptStatus } from '../api-contract';

const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}$/;
const DAY = 86_400_000;

/** An app's Let's Encrypt state: the API contract's shape (app/api-contract/routing.ts). */
export type { LetsencryptStatus };

/** Let's Encrypt's per-app state, kept by the domains module with the router settings (RoutingService). */
export interface LetsencryptSettings {
  letsencryptOf(app: string): { enabled: boolean; email: string | null };
  appsWithLetsencrypt(): string[];
  setLetsencrypt(app: string, enabled: boolean, email?: string): void;
}

export interface LetsencryptDeps {
  /** The certs module's own table (which certificate came from ACME); the on/off mark and e-mail through the domains module. */
  readonly store: Pick<Store, 'certs'>;
  readonly settings: LetsencryptSettings;
  readonly certs: CertsService;
  readonly issuer: CertificateIssuer;
  /** Serves HTTP-01 challenges on every app server. */
  readonly router: Pick<Router, 'putChallenge' | 'removeChallenge'>;
  readonly domainsOf: (app: string) => string[];
  /** BERTH_ACME_EMAIL; empty: none. */
  readonly defaultEmail: string;
  /** Renew when fewer days than this are left. */
  readonly renewDays: number;
  readonly now?: () => number;
}

/** letsencrypt:enable/disable/renew and the scheduled renewal, over any ACME CertificateIssuer. */
export class LetsencryptService {
  private readonly running = new Map<string, Promise<CertReport>>();

  constructor(private readonly deps: LetsencryptDeps) {}

  status(app: string): LetsencryptStatus {
    const { enabled } = this.deps.settings.letsencryptOf(app);
    return { app, enabled, cert: this.deps.certs.report(app) };
  }

  list(): LetsencryptStatus[] {
    return this.deps.settings.appsWithLetsencrypt().map((a) => this.status(a));
  }

  /** Obtains a certificate now; only a success enables the app's renewals. */
  async enable(app: string, email: unknown, user: string | null): Promise<LetsencryptStatus> {
    const mail = email === undefined || email === null || email === '' ? this.storedEmail(app) : email;
    if (mail !== '' && (typeof mail !== 'string' || !EMAIL.test(mail))) throw new BerthError('INVALID_INPUT', `Invalid e-mail ${JSON.stringify(mail)}.`);
    await this.obtain(app, mail as string, user);
    this.deps.settings.setLetsencrypt(app, true, (mail as string) || undefined);
    return this.status(app);
  }

  async disable(app: string, user: string | null): Promise<LetsencryptStatus> {
    this.deps.certs.report(app); // APP_NOT_FOUND for a missing app
    this.deps.settings.setLetsencrypt(app, false);
    if (this.deps.store.certs.get(app)?.source === 'acme') await this.deps.certs.remove(app, user);
    return this.status(app);
  }

  async renew(app: string, user: string | null): Promise<LetsencryptStatus> {
    if (!this.status(app).enabled) throw new BerthError('ACME_NOT_ENABLED', `Let's Encrypt is not enabled for ${app}; run \`berth letsencrypt:enable ${app}\`.`);
    await this.obtain(app, this.storedEmail(app), user);
    return this.status(app);
  }

  /** One pass of the scheduled job: renews enabled apps whose certificate expires within renewDays. */
  async renewDue(log: (line: string) => void): Promise<{ renewed: string[]; failed: string[] }> {
    const renewed: string[] = [];
    const failed: string[] = [];
    const now = this.deps.now?.() ?? Date.now();
    for (const s of this.list()) {
      const left = s.cert ? (Date.parse(s.cert.notAfter) - now) / DAY : -1;
      if (s.cert && s.cert.source === 'acme' && left >= this.deps.renewDays) continue;
      try {
        await this.obtain(s.app, this.storedEmail(s.app), null);
        renewed.push(s.app);
        log(`letsencrypt: renewed the certificate of ${s.app}`);
      } catch (e) {
        failed.push(s.app);
        log(`letsencrypt: renewing ${s.app} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return { renewed, failed };
  }

  /** Runs renewDue now and every `intervalMs`; returns a stop function. One pass at a time. */
  schedule(intervalMs: number, log: (line: string) => void): () => void {
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      void this.renewDue(log).catch((e) => log(`letsencrypt: renewal check failed: ${String(e)}`)).finally(() => { busy = false; });
    };
    const first = setTimeout(tick, 5_000);
    const timer = setInterval(tick, intervalMs);
    first.unref();
    timer.unref();
    return () => { clearTimeout(first); clearInterval(timer); };
  }

  private storedEmail(app: string): string {
    return this.deps.settings.letsencryptOf(app).email ?? this.deps.defaultEmail;
  }

  /** One issuance per app at a time; a second caller waits for the first's result. */
  private obtain(app: string, email: string, user: string | null): Promise<CertReport> {
    const running = this.running.get(app);
    if (running) return running;
    const p = this.issue(app, email, user).finally(() => this.running.delete(app));
    this.running.set(app, p);
    return p;
  }

  private async issue(app: string, email: string, user: string | null): Promise<CertReport> {
    this.deps.certs.report(app); // APP_NOT_FOUND first
    const domains = this.deps.domainsOf(app).filter((d) => !d.startsWith('*.'));
    if (domains.length === 0) throw new BerthError('ACME_FAILED', `${app} has no domain an HTTP-01 challenge can prove (wildcards need DNS-01).`);
    const { router } = this.deps;
    let issued;
    try {
      issued = await this.deps.issuer.issue({
        domains, email: email || undefined,
        publish: (c) => router.putChallenge(c.token, c.content),
        unpublish: (c) => router.removeChallenge(c.token),
      });
    } catch (e) {
      if (isBerthError(e)) throw e;
      throw new BerthError('ACME_FAILED', `The ACME server did not issue a certificate for ${domains.join(' ')}: ${(e as Error).message}`, { cause: e });
    }
    return this.deps.certs.add(app, issued, user, 'acme');
  }
}
