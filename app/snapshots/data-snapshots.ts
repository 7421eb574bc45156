import path from 'node:path';
import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesReader } from '../releases/releases-reader';
import type { ReleaseRecord } from '../ports/store';
import type { ReleaseSnapshotsStore, SnapshotRecord } from '../ports/release-snapshots';
import { SnapshotFiles } from './snapshot-files';

type Log = (line: string) => void;

export interface DataSnapshotsDeps {
  readonly store: { releaseSnapshots: ReleaseSnapshotsStore };
  readonly apps: AppsReader;
  readonly releases: Pick<ReleasesReader, 'list'>;
  /** The services linked to the app now (app/services-kit's links). */
  readonly linksOf: (app: string) => readonly { plugin: string; service: string }[];
  /** The apps linked to a service: a restore changes the data of each. */
  readonly appsOfService: (plugin: string, service: string) => readonly string[];
  /** Whether the plugin can export and import: a snapshot berth cannot restore is worth nothing. */
  readonly canSnapshot: (plugin: string) => boolean;
  /** The plugin's export and import (app/services-kit's ServiceBackup). */
  readonly backup: {
    prepareExport(plugin: string, name: string): Promise<(out: NodeJS.WritableStream) => Promise<void>>;
    import(o: { plugin: string; name: string; input: NodeJS.ReadableStream; user: string | null; replace?: boolean }): Promise<void>;
  };
  readonly events: EventsService;
  /** $BERTH_HOME/snapshots. */
  readonly root: string;
  /** BERTH_SNAPSHOT_KEEP: releases per app whose snapshots are kept. */
  readonly keep: number;
}

/** A release's snapshots, as `releases` and the dashboard show them. */
export interface ReleaseSnapshotView {
  readonly services: ReadonlyArray<{ plugin: string; service: string; size: number }>;
  readonly size: number;
  readonly createdAt: string;
}

/** What `--restore-data` would bring back: the snapshot taken before `before`, the release after the target. */
export interface DataRestorePlan {
  readonly before: number;
  readonly createdAt: string;
  readonly services: ReadonlyArray<{ plugin: string; service: string; size: number; apps: readonly string[] }>;
}

/**
 * Snapshots before migrations: when a release has a release command (Procfile `release:`) or
 * app.json's predeploy, and the app is linked to database services, each one's dump (the plugin's
 * export, streamed gzipped to a file under $BERTH_HOME/snapshots) is taken first and recorded with
 * the release. The dump is the consistent way for every plugin (pg_dump reads one transaction's
 * view; the service keeps serving the live release meanwhile); a copy of the volume would need the
 * service stopped or paused under the app that serves. `releases:rollback <app> vN --restore-data`
 * imports the snapshot taken before v(N+1): the data as it was while vN ran.
 */
export class DataSnapshots {
  private readonly files: SnapshotFiles;

  constructor(private readonly deps: DataSnapshotsDeps) {
    this.files = new SnapshotFiles(deps.root);
  }

  private get store(): ReleaseSnapshotsStore { return this.deps.store.releaseSnapshots; }

  /** The linked services a snapshot covers: those whose plugin can export and import. */
  databasesOf(app: string): Array<{ plugin: string; service: string }> {
    return this.deps.linksOf(app).filter((l) => this.deps.canSnapshot(l.plugin)).map((l) => ({ plugin: l.plugin, service: l.service }));
  }

  /** A release runs a command that may migrate data: Procfile `release:` or app.json's predeploy. */
  migrates(release: ReleaseRecord): boolean {
    return Boolean(release.processes.release) || Boolean(release.manifest?.predeploy);
  }

  /**
   * Takes a snapshot of each linked database before `version`'s release command, or throws
   * SNAPSHOT_FAILED (having removed what it wrote): the deploy stops before the command runs.
   * Answers what it took (`prune` keeps the newest BERTH_SNAPSHOT_KEEP, once no restore needs an older one).
   */
  async take(o: { app: string; version: number; log: Log; why: string }): Promise<SnapshotRecord[]> {
    const dbs = this.databasesOf(o.app);
    if (dbs.length === 0) return [];
    const id = this.appId(o.app);
    const made: SnapshotRecord[] = [];
    let current = dbs[0];
    try {
      for (const db of dbs) {
        current = db;
        o.log(`-----> Snapshot of ${db.plugin} service ${db.service} ${o.why}`);
        const file = `${id}/v${o.version}-${db.plugin}-${db.service}.dump.gz`;
        const exportTo = await this.deps.backup.prepareExport(db.plugin, db.service);
        const size = await this.files.write(file, exportTo);
        const record: SnapshotRecord = { app: o.app, version: o.version, plugin: db.plugin, service: db.service, file, size, createdAt: new Date().toISOString() };
        made.push(record);
        this.store.add(record);
        o.log(`       ${size} bytes (gzipped dump), kept with v${o.version}`);
      }
    } catch (e) {
      for (const r of made) this.files.remove(r.file);
      this.store.remove(o.app, o.version);
      throw new BerthError('SNAPSHOT_FAILED', `The snapshot of ${current.plugin} service ${current.service} failed, so v${o.version}'s release command did not run: ${(e as Error).message}`, { cause: e });
    }
    this.deps.events.record({ app: o.app, kind: 'release.snapshot', user: null, message: `snapshot before v${o.version}: ${made.map((r) => `${r.plugin}/${r.service} ${r.size} bytes`).join(', ')}` });
    return made;
  }

  /**
   * A restore failed and the data could not be put back: `version`'s snapshot (the data as it was
   * before) is kept under a name no later release takes, out of the records (its release is
   * discarded), and the answer says where and how to import it by hand.
   */
  rescue(app: string, version: number): string {
    const records = this.store.ofRelease(app, version);
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const kept = records.map((r) => {
      const file = path.join(path.dirname(r.file), `rescued-${stamp}-${path.basename(r.file)}`);
      this.files.rename(r.file, file);
      return `gunzip -c ${this.files.pathOf(file)} | berth ${r.plugin}:import ${r.service}`;
    });
    this.store.remove(app, version);
    return `kept the data as it was before this rollback; put it back with: ${kept.join('; ')}`;
  }

  /** Takes back what `take` made (the release never went live). */
  discard(app: string, version: number): string {
    const records = this.store.ofRelease(app, version);
    for (const r of records) this.files.remove(r.file);
    this.store.remove(app, version);
    return `removed the snapshot of ${records.map((r) => `${r.plugin} service ${r.service}`).join(', ') || 'nothing'}`;
  }

  /**
   * The snapshot `--restore-data` brings back with `target`'s code: the one taken before the release
   * that came after it. SNAPSHOT_NOT_FOUND when that release has none, or a service it covers is
   * no longer linked to the app (berth restores only into the app's own services).
   */
  restorePlan(app: string, target: number, o: { running?: number } = {}): DataRestorePlan {
    // `running`: the rollback's own new release, which is after the target too but is not "the release after" it.
    const next = this.deps.releases.list(app).filter((r) => r.version > target && (o.running === undefined || r.version < o.running))
      .sort((a, b) => a.version - b.version)[0];
    if (!next) throw new BerthError('SNAPSHOT_NOT_FOUND', `${app} has no release after v${target}, so there is no data of v${target}'s to restore.`);
    const records = this.store.ofRelease(app, next.version);
    if (records.length === 0) {
      throw new BerthError('SNAPSHOT_NOT_FOUND', `${app} has no data snapshot from before v${next.version} (the release after v${target}): berth takes one only when a release runs a release command with a database linked, and keeps the newest ${this.deps.keep}. Roll back without --restore-data, or restore a backup (\`berth backups:list\`).`);
    }
    const linked = this.deps.linksOf(app);
    for (const r of records) {
      if (!linked.some((l) => l.plugin === r.plugin && l.service === r.service)) {
        throw new BerthError('SNAPSHOT_NOT_FOUND', `The snapshot before v${next.version} is of ${r.plugin} service ${r.service}, which is no longer linked to ${app}; berth restores a snapshot only into the app's own linked services.`);
      }
    }
    return {
      before: next.version, createdAt: records[0].createdAt,
      services: records.map((r) => ({ plugin: r.plugin, service: r.service, size: r.size, apps: [...this.deps.appsOfService(r.plugin, r.service)] })),
    };
  }

  /** Imports the snapshot taken before `before` into each of its services (still checked linked to the app). */
  async restore(o: { app: string; target: number; running?: number; log: Log; user: string | null }): Promise<DataRestorePlan> {
    const plan = this.restorePlan(o.app, o.target, { running: o.running });
    await this.importAll({ app: o.app, version: plan.before, log: o.log, user: o.user });
    this.deps.events.record({ app: o.app, kind: 'release.data-restored', user: o.user, message: `restored the data snapshot taken before v${plan.before} (${plan.services.map((s) => `${s.plugin}/${s.service}`).join(', ')}) for v${o.target}'s code` });
    return plan;
  }

  /** Imports the snapshots taken before `version` (a restore, or its undo from the snapshot taken just before it). */
  async importAll(o: { app: string; version: number; log: Log; user: string | null }): Promise<string> {
    const records = this.store.ofRelease(o.app, o.version);
    for (const r of records) {
      o.log(`-----> Restoring ${r.plugin} service ${r.service} from the snapshot taken before v${o.version} (${r.createdAt})`);
      await this.files.read(r.file, (input) => this.deps.backup.import({ plugin: r.plugin, name: r.service, input, user: o.user, replace: true }));
    }
    return `restored ${records.map((r) => `${r.plugin} service ${r.service}`).join(', ') || 'nothing'} from the snapshot taken before v${o.version}`;
  }

  /** Each release's snapshots, by version. */
  byRelease(app: string): Map<number, ReleaseSnapshotView> {
    const out = new Map<number, { services: Array<{ plugin: string; service: string; size: number }>; size: number; createdAt: string }>();
    for (const r of this.store.ofApp(app)) {
      const v = out.get(r.version) ?? { services: [], size: 0, createdAt: r.createdAt };
      v.services.push({ plugin: r.plugin, service: r.service, size: r.size });
      v.size += r.size;
      out.set(r.version, v);
    }
    return out;
  }

  /** Bytes the app's snapshots take (the disk figures). */
  diskBytes(app: string): number {
    return this.store.ofApp(app).reduce((n, r) => n + r.size, 0);
  }

  /** An app was destroyed: its snapshot directory goes (its rows went with the app's). */
  forget(appId: string): void {
    this.files.removeDir(appId);
  }

  /** Keeps the snapshots of the app's newest `keep` releases that have one. */
  prune(app: string, log: Log): void {
    const versions = [...new Set(this.store.ofApp(app).map((r) => r.version))];
    for (const v of versions.slice(this.deps.keep)) {
      log(`       Dropping the snapshot before v${v} (BERTH_SNAPSHOT_KEEP=${this.deps.keep})`);
      this.discard(app, v);
    }
  }

  private appId(app: string): string {
    const a = this.deps.apps.find(app);
    if (!a) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
    return a.id;
  }
}
