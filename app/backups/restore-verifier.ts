import { parseExpression } from 'cron-parser';
import type { EventsService } from '../events';
import type { BackupRecord, BackupSchedule, RestoreVerification, ServiceBackupsStore } from '../ports/service-backups';
import type { RestoreReport, ServiceBackup } from '../services-kit';
import { DEFAULT_BERTH_SCHEDULE } from './berth-backups';

/** The verifications of berth's own backup are kept as those of this "plugin" (no plugin id starts with @), service `berth`. */
export const BERTH_SELF = '@berth';

/** What a failed or stale verification tells whoever listens (notifications). */
export interface Unverified {
  readonly plugin: string;
  readonly service: string;
  readonly schedule: string | null;
  readonly reason: 'failed' | 'stale';
  readonly detail: string;
}

/** A backup's dump, decrypted and unzipped, and the promise of reading it to the end (it rejects on a short or changed file). */
export interface OpenedDump {
  readonly input: NodeJS.ReadableStream;
  readonly reading: Promise<void>;
  readonly cancel: () => void;
}

export interface RestoreVerifierDeps {
  readonly store: ServiceBackupsStore;
  readonly backup: Pick<ServiceBackup, 'verifyRestore'>;
  readonly open: (record: BackupRecord) => Promise<OpenedDump>;
  readonly events: EventsService;
  readonly onUnverified?: (u: Unverified) => void | Promise<void>;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

/** A run may take this long after its time before its verification counts as missing. */
export const STALE_GRACE_MS = 30 * 60_000;

/**
 * Restores proven, not assumed (docs/backups.md "Verified restores"): a backup is read back from
 * its target (S3 or folder, as a restore would), restored into a throw-away container and checked
 * by the plugin; the result is kept with the backup. A failure, or a schedule whose newest passed
 * verification is older than its interval allows, is an event and a notification.
 */
export class RestoreVerifier {
  /** Stale schedules already told about, by the verification they were stale at. */
  private readonly toldStale = new Set<string>();

  constructor(private readonly deps: RestoreVerifierDeps) {}

  private now(): number { return this.deps.now?.() ?? Date.now(); }

  /** Restores `record` into a throw-away container and records what was found. Never throws for a bad backup. */
  async verify(record: BackupRecord, user: string | null): Promise<RestoreVerification> {
    return this.prove({ plugin: record.plugin, service: record.service, backupId: record.id, schedule: record.schedule, user, what: `${record.plugin} service ${record.service}` }, async () => {
      const dump = await this.deps.open(record);
      const verifying = this.deps.backup.verifyRestore({ plugin: record.plugin, name: record.service, input: dump.input });
      // A file that cannot be read to the end stops the import at once (else it would wait for more input).
      dump.reading.catch(() => dump.cancel());
      // Both to the end: a short file fails the reading while the import may still take what came.
      const [read, checked] = await Promise.allSettled([dump.reading, verifying]);
      if (read.status === 'rejected') { dump.cancel(); throw read.reason; }
      if (checked.status === 'rejected') throw checked.reason;
      return checked.value;
    });
  }

  /**
   * Runs one restore check (`run` answers what it counted and what is wrong; a throw is a failed
   * restore), records it, and on failure records an event and tells the notifications. berth's own
   * backup comes here too (plugin BERTH_SELF, service `berth`).
   */
  async prove(o: { plugin: string; service: string; backupId: string; schedule: string | null; user: string | null; what: string }, run: () => Promise<{ report: RestoreReport; problems: string[] }>): Promise<RestoreVerification> {
    const started = this.now();
    let found: Omit<RestoreVerification, 'id' | 'plugin' | 'service' | 'backupId' | 'schedule' | 'verifiedAt' | 'seconds'>;
    try {
      const { report, problems } = await run();
      found = { ok: problems.length === 0, tables: report.tables ?? null, keys: report.keys ?? null, sample: report.sample ?? [], problems };
    } catch (e) {
      found = { ok: false, tables: null, keys: null, sample: [], problems: [`the restore failed: ${(e as Error).message}`] };
    }
    const v = this.deps.store.addVerification({
      plugin: o.plugin, service: o.service, backupId: o.backupId, schedule: o.schedule, ...found,
      verifiedAt: new Date(this.now()).toISOString(), seconds: Math.round((this.now() - started) / 100) / 10,
    });
    if (v.ok) {
      this.deps.events.record({ app: null, kind: 'service.restore-verified', user: o.user, message: `verified a restore of backup ${o.backupId} of ${o.what}: ${summaryOf(v)}` });
    } else {
      this.deps.events.record({ app: null, kind: 'service.restore-failed', user: o.user, message: `the restore of backup ${o.backupId} of ${o.what} failed verification: ${v.problems.join('; ')}` });
      await this.tell({ plugin: o.plugin, service: o.service, schedule: o.schedule, reason: 'failed', detail: `backup ${o.backupId}: ${v.problems.join('; ')}` });
    }
    return v;
  }

  /** A scheduled run that made no backup: nothing to restore, so its verification failed (its alert is backup.failed). */
  recordFailedRun(o: { plugin: string; service: string; schedule: string | null; message: string }): RestoreVerification {
    return this.deps.store.addVerification({
      plugin: o.plugin, service: o.service, backupId: null, schedule: o.schedule, ok: false, tables: null, keys: null, sample: [],
      problems: [`no backup to restore: ${o.message}`], verifiedAt: new Date(this.now()).toISOString(), seconds: 0,
    });
  }

  /** The newest verifications of a service (newest first). */
  history(plugin: string, service: string, limit = 10): RestoreVerification[] {
    return this.deps.store.verifications(plugin, service, limit);
  }

  /** The newest passed verification, and whether any schedule of the service is stale now. */
  status(plugin: string, service: string): { lastVerified: RestoreVerification | null; stale: string[] } {
    const passed = this.deps.store.verifications(plugin, service, 100).find((v) => v.ok) ?? null;
    const stale = this.schedules().filter((s) => s.plugin === plugin && s.service === service && this.staleness(s) !== null).map((s) => s.name);
    return { lastVerified: passed, stale };
  }

  /**
   * Why a schedule is stale, or null: its newest passed verification is older than the schedule's
   * interval plus STALE_GRACE_MS. A schedule never verified yet is not stale (nothing to compare).
   */
  staleness(s: BackupSchedule): string | null {
    const mine = this.deps.store.verifications(s.plugin, s.service, 100).filter((v) => v.schedule === s.name);
    if (mine.length === 0) return null;
    const passed = mine.find((v) => v.ok);
    const since = Date.parse((passed ?? mine[mine.length - 1]).verifiedAt);
    const age = this.now() - since;
    const allowed = intervalMs(s.schedule, this.now()) + STALE_GRACE_MS;
    if (age <= allowed) return null;
    const hours = (ms: number) => `${Math.round(ms / 360_000) / 10} h`;
    return passed
      ? `the newest verified restore (${passed.verifiedAt}) is ${hours(age)} old; schedule "${s.schedule}" allows ${hours(allowed)}`
      : `no restore has been verified for ${hours(age)}; schedule "${s.schedule}" allows ${hours(allowed)}`;
  }

  /** The worker's periodic look: one event and alert per stale schedule (until it is verified again). */
  async checkStale(): Promise<string[]> {
    const told: string[] = [];
    for (const s of this.schedules()) {
      const why = this.staleness(s);
      const key = `${s.plugin}/${s.service}/${s.name}`;
      if (!why) { for (const k of [...this.toldStale]) if (k.startsWith(`${key}|`)) this.toldStale.delete(k); continue; }
      const newest = this.deps.store.verifications(s.plugin, s.service, 1)[0];
      const mark = `${key}|${newest?.id ?? 0}`;
      if (this.toldStale.has(mark)) continue;
      this.toldStale.add(mark);
      this.deps.events.record({ app: null, kind: 'service.restore-stale', user: null, message: `backup schedule ${s.name} of ${s.plugin} service ${s.service}: ${why}` });
      await this.tell({ plugin: s.plugin, service: s.service, schedule: s.name, reason: 'stale', detail: why });
      told.push(key);
    }
    return told;
  }

  /** The service schedules, and berth's own (stored, else the daily default) when it is on: its runs are verified as @berth/berth, schedule `berth`. */
  private schedules(): BackupSchedule[] {
    const own = this.deps.store.berthSchedule() ?? DEFAULT_BERTH_SCHEDULE;
    const berth: BackupSchedule[] = own.enabled ? [{ plugin: BERTH_SELF, service: 'berth', name: 'berth', schedule: own.schedule, keep: own.keep, target: own.target, passphrase: null }] : [];
    return [...this.deps.store.schedules(), ...berth];
  }

  private async tell(u: Unverified): Promise<void> {
    await Promise.resolve(this.deps.onUnverified?.(u)).catch((e: Error) => this.deps.log?.(`restore verification hook: ${e.message}`));
  }
}

/** The time between a cron schedule's two most recent times before `now`. */
export function intervalMs(schedule: string, now: number): number {
  const it = parseExpression(schedule, { currentDate: new Date(now) });
  const last = it.prev().getTime();
  return last - it.prev().getTime();
}

/** "3 tables, 1204 rows" / "57 keys": what a person reads in a list. */
export function summaryOf(v: Pick<RestoreVerification, 'tables' | 'keys'>): string {
  const parts: string[] = [];
  if (v.tables) {
    const counts = Object.values(v.tables);
    parts.push(`${counts.length} table${counts.length === 1 ? '' : 's'}, ${counts.reduce((a, b) => a + b, 0)} rows`);
  }
  if (v.keys !== null) parts.push(`${v.keys} key${v.keys === 1 ? '' : 's'}`);
  return parts.join(', ') || 'restored';
}
