import type { Store, ReleaseRecord } from '../ports/store';
import type { EventsService } from '../events';
import type { BuildsService } from '../builds/builds-service';
import { BerthError } from '../errors';
import { rollbackSource } from '../naming';
import { configDiff, type ConfigChange, type ConfigDiff, type ConfigVarsService } from '../config-vars';

/** What `--restore-data` brings back: the snapshot taken before `before` (the release after the target), per service. */
export interface DataRestoreView {
  readonly before: number;
  readonly createdAt: string;
  readonly services: ReadonlyArray<{ plugin: string; service: string; size: number; apps: readonly string[] }>;
}

/** What a rollback would do: the release it goes back to, which config vars change (names only), and the data it restores. */
export interface RollbackPlan {
  readonly from: number;
  readonly to: number;
  readonly description: string;
  readonly config: ConfigDiff;
  /** Set with `--restore-data`: the snapshot that comes back. */
  readonly data?: DataRestoreView;
}

/** A release's data snapshots, as lists show them (null: none was taken before it). */
export interface ReleaseSnapshotSummary {
  readonly services: ReadonlyArray<{ plugin: string; service: string; size: number }>;
  readonly size: number;
  readonly createdAt: string;
}

/** What the releases module asks of app/snapshots (DataSnapshots). */
export interface SnapshotsReader {
  restorePlan(app: string, target: number): DataRestoreView;
  byRelease(app: string): Map<number, ReleaseSnapshotSummary>;
}

/** Releases: list them, roll back, and redeploy the current one (config change, restart). */
export class ReleasesService {
  constructor(private readonly deps: { store: Pick<Store, 'releases'>; builds: BuildsService; events: EventsService; configVars: ConfigVarsService; snapshots?: SnapshotsReader }) {}

  /**
   * Stores a config change and, unless told not to, re-releases a deployed app so its containers
   * see it (API, CLI and dashboard all change config through here).
   */
  async changeConfig(app: string, change: ConfigChange, options: { restart: boolean; user: string | null }) {
    const changed = this.deps.configVars.apply(app, change, options.user);
    const deployed = this.deps.store.releases.current(app) !== null;
    const build = changed && options.restart && deployed ? (await this.redeploy(app, 'config change', options.user)).build : null;
    return { changed, build };
  }

  /** The release serving now, or null before the first deploy. */
  current(app: string): ReleaseRecord | null {
    return this.deps.store.releases.current(app);
  }

  /** One release by version, or null. */
  get(app: string, version: number): ReleaseRecord | null {
    return this.deps.store.releases.get(app, version);
  }

  /** Release vN (the next version) of a build: the build pipeline's ReleaseMaker makes it, in the app's turn. */
  create(release: Omit<ReleaseRecord, 'version' | 'createdAt'>): ReleaseRecord {
    return this.deps.store.releases.create(release);
  }

  /** Drops a release that never went live (its deploy failed, or its build died). */
  remove(app: string, version: number): void {
    this.deps.store.releases.remove(app, version);
  }

  /** Marks the release live (the build runner's go-live transaction). */
  setCurrent(app: string, version: number): void {
    this.deps.store.releases.setCurrent(app, version);
  }

  list(app: string): Array<ReleaseRecord & { current: boolean }> {
    const current = this.deps.store.releases.current(app)?.version;
    return this.deps.store.releases.list(app).map((r) => ({ ...r, current: r.version === current }));
  }

  /** The list with each release's data snapshot (taken before it; null: none). */
  listWithSnapshots(app: string): Array<ReleaseRecord & { current: boolean; snapshot: ReleaseSnapshotSummary | null }> {
    const snaps = this.deps.snapshots?.byRelease(app) ?? new Map<number, ReleaseSnapshotSummary>();
    return this.list(app).map((r) => ({ ...r, snapshot: snaps.get(r.version) ?? null }));
  }

  /** Queues a new release from the current one with the app's present config. */
  async redeploy(app: string, reason: string, user: string | null) {
    if (!this.deps.store.releases.current(app)) throw new BerthError('NO_RELEASE', `${app} has not been deployed yet; push it first.`);
    return this.deps.builds.enqueue({ app, kind: 'config', source: reason, user });
  }

  /**
   * What rolling back to `version` (default: the release before the current one) would do: a new
   * release with that release's code and config; the config diff is against the app's config now.
   */
  rollbackPlan(app: string, version: number | undefined, o: { restoreData?: boolean } = {}): RollbackPlan {
    const list = this.deps.store.releases.list(app);
    const current = this.deps.store.releases.current(app);
    if (!current) throw new BerthError('NO_RELEASE', `${app} has not been deployed yet; push it first.`);
    const target = version ?? list.find((r) => r.version < current.version)?.version;
    if (!target) throw new BerthError('RELEASE_NOT_FOUND', `${app} has no release before v${current.version} to roll back to.`);
    const release = this.deps.store.releases.get(app, target);
    if (!release) {
      throw new BerthError('RELEASE_NOT_FOUND', `${app} has no release v${target}; \`berth releases ${app}\` lists them.`);
    }
    const plan = { from: current.version, to: target, description: release.description, config: configDiff(this.deps.configVars.get(app), release.config) };
    if (!o.restoreData) return plan;
    if (!this.deps.snapshots) throw new BerthError('SNAPSHOT_NOT_FOUND', 'This berth keeps no data snapshots.');
    return { ...plan, data: this.deps.snapshots.restorePlan(app, target) };
  }

  /**
   * Queues a new release with the target's code and config (the app's config vars become its own
   * when it goes live); with `restoreData`, the snapshot taken before the release after the target
   * is imported first. A restore overwrites a service's data for every app linked to it: `canWrite`
   * (the caller's role) must allow writing each of them, or FORBIDDEN. `whileCurrent` (the deploy watch's
   * rollback): the job runs only while that release is still live.
   */
  async rollback(app: string, version: number | undefined, user: string | null, o: { restoreData?: boolean; canWrite?: (app: string) => boolean; whileCurrent?: number } = {}) {
    const plan = this.rollbackPlan(app, version, { restoreData: o.restoreData });
    for (const s of plan.data?.services ?? []) {
      const foreign = s.apps.filter((a) => !(o.canWrite?.(a) ?? false));
      if (foreign.length) {
        throw new BerthError('FORBIDDEN', `${user ?? 'You'} may not restore ${s.plugin} service ${s.service}: it is linked to ${foreign.join(', ')} too, which you may not change; an admin can.`);
      }
    }
    return this.deps.builds.enqueue({ app, kind: 'rollback', source: rollbackSource({ version: plan.to, restoreData: o.restoreData === true }), user, whileCurrent: o.whileCurrent });
  }
}
