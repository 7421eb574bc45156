import fs from 'node:fs';
import path from 'node:path';
import type { CleanupView, DiskStateView } from '../api-contract';
import type { EventsService } from '../events';
import type { DiskEngine, RouterLogFiles } from '../ports/disk';

/** How long things are kept (app/config: BERTH_BUILD_LOG_DAYS, BERTH_EVENT_DAYS, BERTH_ROUTER_LOG_MB, …). */
export interface RetentionSettings {
  readonly buildLogDays: number;
  readonly eventDays: number;
  readonly routerLogMb: number;
  readonly danglingImageHours: number;
  readonly diskWarnPercent: number;
}

/** What a cleanup removed; `berth cleanup` shows it as it is. */
export type CleanupReport = CleanupView;
export type DiskState = DiskStateView;

export interface HousekeepingDeps {
  readonly settings: RetentionSettings;
  readonly home: string;
  readonly buildLogsDir: string;
  /** Removes (or, dry, counts) the audit events before `at` (ISO time). */
  readonly pruneEvents: (at: string, o: { dryRun: boolean }) => number;
  readonly routerLogs: RouterLogFiles;
  readonly engine: DiskEngine;
  readonly events: EventsService;
  readonly now?: () => number;
  /** Told with the `disk.low` event, once per crossing (app/notifications' `disk.low`); must not throw or wait. */
  readonly onLow?: (disk: { path: string; freeBytes: number; totalBytes: number }) => void;
}

const DAY_MS = 86_400_000;

/**
 * Disk hygiene (`berth cleanup`, daily in the worker): retention for build logs, audit events and
 * router logs, dangling images; and the host-disk watch that records `disk.low` when BERTH_HOME's
 * file system passes BERTH_DISK_WARN_PERCENT (once per crossing, not every check).
 */
export class Housekeeping {
  private low = false;

  constructor(private readonly deps: HousekeepingDeps) {}

  private now(): number { return this.deps.now?.() ?? Date.now(); }

  async cleanup(o: { dryRun: boolean; user: string | null }): Promise<CleanupReport> {
    const s = this.deps.settings;
    const buildLogs = this.oldBuildLogs(this.now() - s.buildLogDays * DAY_MS, o.dryRun);
    const events = { removed: this.deps.pruneEvents(new Date(this.now() - s.eventDays * DAY_MS).toISOString(), { dryRun: o.dryRun }) };
    const maxBytes = s.routerLogMb * 1024 * 1024;
    const routerLogs = (await this.deps.routerLogs.rotate(maxBytes, { dryRun: o.dryRun })).map((f) => path.basename(f));
    const images = o.dryRun ? null : await this.deps.engine.pruneDanglingImages(s.danglingImageHours);
    const report: CleanupReport = { dryRun: o.dryRun, buildLogs, events, routerLogs, images };
    if (!o.dryRun) {
      this.deps.events.record({
        app: null, kind: 'cleanup.ran', user: o.user,
        message: `removed ${buildLogs.removed} build log(s), ${events.removed} event(s), ${images?.removed ?? 0} dangling image(s); rotated ${routerLogs.length} router log(s)`,
      });
    }
    return report;
  }

  private oldBuildLogs(before: number, dryRun: boolean): { removed: number; bytes: number } {
    const dir = this.deps.buildLogsDir;
    let names: string[];
    try { names = fs.readdirSync(dir).filter((n) => /^\d+\.log$/.test(n)); } catch { return { removed: 0, bytes: 0 }; }
    let removed = 0;
    let bytes = 0;
    for (const n of names) {
      const file = path.join(dir, n);
      let st: fs.Stats;
      try { st = fs.lstatSync(file); } catch { continue; }
      if (!st.isFile() || st.mtimeMs >= before) continue;
      if (!dryRun) fs.rmSync(file, { force: true });
      removed += 1;
      bytes += st.blocks * 512;
    }
    return { removed, bytes };
  }

  /** How full BERTH_HOME's file system is (as df counts: used / (used + available to non-root)). */
  checkDisk(): DiskState {
    const st = fs.statfsSync(this.deps.home);
    const used = st.blocks - st.bfree;
    const usedPercent = Math.round((used / Math.max(used + st.bavail, 1)) * 1000) / 10;
    const warnPercent = this.deps.settings.diskWarnPercent;
    const low = usedPercent >= warnPercent;
    if (low && !this.low) {
      this.deps.events.record({
        app: null, kind: 'disk.low', user: null,
        message: `the disk holding ${this.deps.home} is ${usedPercent}% full (warning at ${warnPercent}%, BERTH_DISK_WARN_PERCENT); \`berth cleanup\` frees build logs, old events, router logs and dangling images`,
      });
      this.deps.onLow?.({ path: this.deps.home, freeBytes: st.bavail * st.bsize, totalBytes: (used + st.bavail) * st.bsize });
    }
    this.low = low;
    return { usedPercent, warnPercent, low };
  }

  /** In the worker: the disk watch every `checkMs`, the cleanup every `cleanupMs` (first one after a check). */
  schedule(o: { checkMs: number; cleanupMs: number }, log: (line: string) => void): void {
    const check = () => { try { this.checkDisk(); } catch (e) { log(`disk check: ${(e as Error).message}`); } };
    const clean = () => { this.cleanup({ dryRun: false, user: null }).catch((e: Error) => log(`cleanup: ${e.message}`)); };
    check();
    setInterval(check, o.checkMs).unref();
    setInterval(clean, o.cleanupMs).unref();
  }
}
