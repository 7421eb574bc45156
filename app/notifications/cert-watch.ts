import type { NotificationEvent } from './notification-events';

/** Certificates expiring within this many days are told about (ACME renews at BERTH_ACME_RENEW_DAYS, 30 by default). */
export const CERT_WARN_DAYS = 14;

interface CertLike { readonly app: string; readonly domains: readonly string[]; readonly notAfter: string; readonly expiresInDays: number }

/**
 * Checks certificates now and every `intervalMs`: one `cert.expiring` per certificate and day left
 * (a renewal that keeps failing is told about daily, not at every check). Returns a stop function.
 */
export function watchCertificates(o: { list: () => readonly CertLike[]; notify: (e: NotificationEvent) => void; intervalMs: number }): () => void {
  const check = certificateCheck(o);
  const first = setTimeout(check, 5_000);
  const timer = setInterval(check, o.intervalMs);
  first.unref();
  timer.unref();
  return () => { clearTimeout(first); clearInterval(timer); };
}

/** One look at the certificates, remembering what it told (the watch runs it on a timer). */
export function certificateCheck(o: { list: () => readonly CertLike[]; notify: (e: NotificationEvent) => void }): () => void {
  const told = new Map<string, number>();
  return () => {
    for (const c of o.list()) {
      if (c.expiresInDays > CERT_WARN_DAYS) continue;
      const key = `${c.app} ${c.notAfter}`;
      if (told.get(key) === c.expiresInDays) continue;
      told.set(key, c.expiresInDays);
      o.notify({ kind: 'cert.expiring', app: c.app, domains: c.domains, notAfter: c.notAfter, daysLeft: Math.max(c.expiresInDays, 0) });
    }
  };
}
