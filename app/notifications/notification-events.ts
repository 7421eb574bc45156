/**
 * What berth tells people about, typed: the one vocabulary every sender (webhook, Slack, email)
 * renders. Modules that notice something (the build runner, the reconciler, the certificate
 * check, and later backups and the disk watch) hand one of these to `NotificationsService.notify`
 * and go on: delivery happens on the queue, never in their way.
 */
export type NotificationEvent =
  | { readonly kind: 'deploy.started'; readonly app: string; readonly build: number; readonly source: string; readonly user: string | null; readonly link: string }
  | { readonly kind: 'deploy.succeeded'; readonly app: string; readonly build: number; readonly release: number; readonly url: string; readonly link: string }
  | { readonly kind: 'deploy.failed'; readonly app: string; readonly build: number; readonly error: string; readonly link: string }
  /** The deploy watch saw the new release breach (crash loop, liveness, 5xx): rolled back to `rollbackTo`, or only alerted (null). */
  | { readonly kind: 'deploy.unhealthy'; readonly app: string; readonly release: number; readonly rollbackTo: number | null; readonly reason: string; readonly link: string }
  /** A container of the live release is down or restarting (the reconciler's `ps.crashed`). */
  | { readonly kind: 'app.crashing'; readonly app: string; readonly container: string; readonly detail: string; readonly link: string }
  | { readonly kind: 'cert.expiring'; readonly app: string; readonly domains: readonly string[]; readonly notAfter: string; readonly daysLeft: number }
  /** Scheduled service backups (app/services-kit's backup schedule) emit this when a run fails. */
  | { readonly kind: 'backup.failed'; readonly app: string | null; readonly service: string; readonly error: string }
  /** A backup restored into a throw-away container failed its verification, or a schedule's newest verified restore is too old (app/backups' RestoreVerifier). */
  | { readonly kind: 'backup.unverified'; readonly app: null; readonly service: string; readonly reason: 'failed' | 'stale'; readonly error: string }
  /** The disk watch (app/disk's Housekeeping) emits this once per crossing of BERTH_DISK_WARN_PERCENT (berth-wide: global targets). */
  | { readonly kind: 'disk.low'; readonly app: null; readonly path: string; readonly freeBytes: number; readonly totalBytes: number }
  /** `notifications:test`: proves a target works. */
  | { readonly kind: 'notification.test'; readonly app: string | null; readonly user: string | null };

export type NotificationKind = NotificationEvent['kind'];

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'deploy.started', 'deploy.succeeded', 'deploy.failed', 'deploy.unhealthy', 'app.crashing', 'cert.expiring', 'backup.failed', 'backup.unverified', 'disk.low', 'notification.test',
];

const MB = 1024 * 1024;

/** One line a person reads: the subject of an email, the text of a Slack message. */
export function headline(e: NotificationEvent): string {
  const where = e.app ? `${e.app}: ` : 'berth: ';
  switch (e.kind) {
    case 'deploy.started': return `${where}deploy started (build ${e.build}, ${e.source}${e.user ? ` by ${e.user}` : ''})`;
    case 'deploy.succeeded': return `${where}deployed v${e.release} (build ${e.build})`;
    case 'deploy.failed': return `${where}deploy failed (build ${e.build})`;
    case 'deploy.unhealthy': return `${where}v${e.release} unhealthy after its deploy; ${e.rollbackTo === null ? 'not rolled back' : `rolling back to v${e.rollbackTo}`}`;
    case 'app.crashing': return `${where}crashing: ${e.container} ${e.detail}`;
    case 'cert.expiring': return `${where}certificate for ${e.domains.join(' ')} expires in ${e.daysLeft} day${e.daysLeft === 1 ? '' : 's'}`;
    case 'backup.failed': return `${where}backup of ${e.service} failed`;
    case 'backup.unverified': return e.reason === 'failed' ? `${where}restore of ${e.service}'s backup failed verification` : `${where}no recent verified restore of ${e.service}`;
    case 'disk.low': return `${where}disk low: ${Math.floor(e.freeBytes / MB)} MiB free of ${Math.floor(e.totalBytes / MB)} MiB on ${e.path}`;
    case 'notification.test': return `${where}test notification${e.user ? ` from ${e.user}` : ''}`;
  }
}

/** More lines, when the event has them (the error of a failed deploy or backup). */
export function detailOf(e: NotificationEvent): string | null {
  if (e.kind === 'deploy.failed' || e.kind === 'backup.failed' || e.kind === 'backup.unverified') return e.error;
  if (e.kind === 'deploy.unhealthy') return e.reason;
  if (e.kind === 'cert.expiring') return `It is valid until ${e.notAfter}.`;
  if (e.kind === 'deploy.succeeded') return `It serves at ${e.url}.`;
  return null;
}

/** Where a person reads more (the build's log, the app's page), or null. */
export function linkOf(e: NotificationEvent): string | null {
  return 'link' in e ? e.link : null;
}
