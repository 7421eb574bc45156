import os from 'node:os';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BerthError } from '../errors';
import type { ContainerEngine } from '../ports/container-engine';
import type { GitRepos } from '../ports/git-repos';
import type { AppPatch, AppRecord, ReleaseRecord, Store } from '../ports/store';
import type { BuildsService } from '../builds/builds-service';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesReader } from '../releases/releases-reader';
import type { EventsService } from '../events';
import type { Deployer } from '../deploys';
import { parseCpus, parseMemory, processTypes, validatePresetScale, validateRestartPolicy, validateScale } from './formation';
import { appliedLimits, processReport, statusFromListed, type AppliedLimits, type AppProcessReport, type SwarmStatusOf } from './process-report';
import type { AppStatusWord } from './app-status';
import type { ContainerInfo } from '../ports/container-engine';

export interface ProcessesServiceDeps {
  /** The processes module's own tables; the app's record, its releases and its drain settings through their owners. */
  readonly store: Pick<Store, 'formation' | 'processState'>;
  readonly apps: AppsReader;
  readonly releases: Pick<ReleasesReader, 'current'>;
  /** The process settings kept on the app's record (restart policy, limits): the apps module's AppSettings writes them. */
  readonly appSettings: { setProcessSettings(app: string, patch: Pick<AppPatch, 'restartPolicy' | 'memoryMb' | 'cpus'>): AppRecord };
  readonly engine: ContainerEngine;
  readonly deployer: Deployer;
  readonly builds: BuildsService;
  readonly events: EventsService;
  readonly repos: GitRepos;
  /** Where rebuild snapshots are written (the build deletes them). */
  readonly snapshotsDir: string;
  /** CPUs of this host: the most `resource:limit --cpu` may give. Default os.cpus().length. */
  readonly hostCpus?: number;
  /** The most seconds ps:set may give retire-wait and stop-timeout (BERTH_MAX_RETIRE_WAIT, BERTH_MAX_STOP_TIMEOUT); default 3600. */
  readonly maxDrainSeconds?: { readonly retireWait: number; readonly stopTimeout: number };
  /** A swarm app's tasks for ps:report (null for a docker-local app). */
  readonly swarmStatusOf?: SwarmStatusOf;
  /** BERTH_DEFAULT_MEMORY / BERTH_DEFAULT_CPUS: what an app without its own limit gets (0: none). */
  readonly defaultLimits?: { readonly memoryMb: number; readonly cpus: number };
}

/**
 * The web side of `ps:*` and `resource:*`: validate, then queue a job in the app's build queue.
 * The worker's ProcessOperations does the work in the app's turn.
 */
export class ProcessesService {
  constructor(private readonly deps: ProcessesServiceDeps) {}

  report(app: string): Promise<AppProcessReport> {
    this.requireApp(app);
    return processReport(this.deps, app);
  }

  /** The status word from the app's containers listed by the caller (the overview: one list for every app). */
  /** The limits the app's containers get: its own, else berth's default (what ps:report and resource:report show). */
  appliedLimits(app: Pick<AppRecord, 'memoryMb' | 'cpus'>): AppliedLimits {
    return appliedLimits(app, this.deps.defaultLimits);
  }

  statusFromListed(app: string, listed: readonly ContainerInfo[]): Promise<AppStatusWord> {
    this.requireApp(app);
    return statusFromListed(this.deps, app, listed);
  }

  /** The scale in force: every process type of the current release with its count. */
  formation(app: string): Record<string, number> {
    this.requireApp(app);
    const release = this.deps.releases.current(app);
    return release ? this.deps.deployer.scaleOf(app, release) : this.deps.store.formation.get(app);
  }

  async scale(app: string, requested: Readonly<Record<string, unknown>>, user: string | null) {
    const scale = validateScale(this.requireRelease(app), requested, this.formation(app));
    return this.deps.builds.enqueue({ app, kind: 'scale', source: JSON.stringify(scale), user });
  }

  /**
   * `berth apply` on a server the app was never deployed to: the counts are stored as the app's own
   * (what ps:scale stores), so its first release starts with them. Once it has a release, as ps:scale.
   */
  async scaleOrPreset(app: string, requested: Readonly<Record<string, unknown>>, user: string | null) {
    if (this.deps.releases.current(app)) return this.scale(app, requested, user);
    this.requireApp(app);
    const scale = validatePresetScale(app, requested);
    this.deps.store.formation.set(app, scale);
    this.deps.events.record({ app, kind: 'ps.scaled', message: `scale before the first deploy: ${Object.entries(scale).map(([t, n]) => `${t}=${n}`).join(' ')}`, user });
    return null;
  }

  async restart(app: string, processType: string | undefined, user: string | null) {
    const release = this.requireRelease(app);
    if (processType !== undefined && !processTypes(release).includes(processType)) {
      throw new BerthError('PROCESS_TYPE_NOT_FOUND', `v${release.version} of ${app} has no process type "${processType}"; its types are: ${processTypes(release).join(', ')}.`);
    }
    return this.deps.builds.enqueue({ app, kind: 'restart', source: processType ?? '', user });
  }

  /**
   * `ps:rebalance`: spreads a swarm app's replicas over the nodes again (after a node came back,
   * swarm leaves running tasks where they are). A blue/green restart in the app's turn: new
   * services, which swarm spreads over every node that is up, pass their checks and take the
   * route, then the old ones drain and go.
   */
  async rebalance(app: string, user: string | null) {
    this.requireRelease(app);
    if ((await this.deps.swarmStatusOf?.(app)) == null) {
      throw new BerthError('NOT_ON_SWARM', `${app} runs on docker-local, one host: there are no nodes to spread it over (\`berth scheduler:set ${app} swarm\`).`);
    }
    return this.deps.builds.enqueue({ app, kind: 'restart', source: '', user });
  }

  async stop(app: string, user: string | null) {
    this.requireApp(app);
    return this.deps.builds.enqueue({ app, kind: 'stop', source: '', user });
  }

  async start(app: string, user: string | null) {
    this.requireRelease(app);
    return this.deps.builds.enqueue({ app, kind: 'start', source: '', user });
  }

  /** Builds the deploy branch's commit again (e.g. after a base image or buildpack update). */
  async rebuild(app: string, user: string | null) {
    const record = this.requireApp(app);
    const sha = await this.deps.repos.resolveRef(app, `refs/heads/${record.deployBranch}`);
    if (!sha) throw new BerthError('NO_RELEASE', `${app} has nothing on its deploy branch "${record.deployBranch}" to rebuild; push it first.`);
    fs.mkdirSync(this.deps.snapshotsDir, { recursive: true });
    const snapshot = path.join(this.deps.snapshotsDir, `rebuild-${crypto.randomUUID()}.tar`);
    await this.deps.repos.archive(app, sha, snapshot);
    try {
      return await this.deps.builds.enqueue({ app, kind: 'rebuild', source: sha, snapshotPath: snapshot, user });
    } catch (e) {
      fs.rmSync(snapshot, { force: true });
      throw e;
    }
  }

  /** `ps:set <app> restart-policy <policy>`; applies to containers started from now on. */
  setRestartPolicy(app: string, policy: unknown, user: string | null): AppRecord {
    this.requireApp(app);
    const valid = validateRestartPolicy(policy);
    const updated = this.deps.appSettings.setProcessSettings(app, { restartPolicy: valid });
    this.deps.events.record({ app, kind: 'ps.settings', message: `restart policy set to ${valid}`, user });
    return updated;
  }

  /**
   * `ps:set <app> restart-policy|retire-wait|stop-timeout <value>`, any of them at once: all are
   * checked before any is stored. retire-wait: how long an unrouted container may keep serving its
   * open connections; stop-timeout: how long SIGTERM gets before SIGKILL (seconds; null restores
   * berth's default). They apply to containers started or retired from now on.
   */
  setPsSettings(app: string, patch: { restartPolicy?: unknown; retireWait?: unknown; stopTimeout?: unknown }, user: string | null) {
    this.requireApp(app);
    const drain: { retireWaitSeconds?: number | null; stopTimeoutSeconds?: number | null } = {};
    // Capped: each retirement keeps an old container (memory, pids) for up to retire-wait + stop-timeout.
    const max = this.deps.maxDrainSeconds ?? { retireWait: 3600, stopTimeout: 3600 };
    if (patch.retireWait !== undefined) drain.retireWaitSeconds = parseSeconds(patch.retireWait, 'retire-wait', max.retireWait, 'BERTH_MAX_RETIRE_WAIT');
    if (patch.stopTimeout !== undefined) drain.stopTimeoutSeconds = parseSeconds(patch.stopTimeout, 'stop-timeout', max.stopTimeout, 'BERTH_MAX_STOP_TIMEOUT');
    const policy = patch.restartPolicy === undefined ? undefined : validateRestartPolicy(patch.restartPolicy);
    if (policy === undefined && Object.keys(drain).length === 0) {
      throw new BerthError('INVALID_PS_SETTING', 'Give restartPolicy, retireWait and/or stopTimeout (seconds).');
    }
    if (policy !== undefined) this.setRestartPolicy(app, policy, user);
    if (Object.keys(drain).length > 0) {
      this.deps.deployer.setDrainSettings(app, drain);
      const now = this.deps.deployer.drainSettingsOf(app);
      this.deps.events.record({ app, kind: 'ps.settings', message: `retire-wait ${now.retireWaitSeconds} s, stop-timeout ${now.stopTimeoutSeconds} s`, user });
    }
    return { restartPolicy: this.requireApp(app).restartPolicy, ...this.drainSettings(app) };
  }

  /** `resource:limit`; each given limit is set (`0` clears it); applies to containers started from now on. */
  setLimits(app: string, limits: { memory?: string; cpus?: string }, user: string | null): AppRecord {
    this.requireApp(app);
    const patch: { memoryMb?: number | null; cpus?: number | null } = {};
    if (limits.memory !== undefined) patch.memoryMb = parseMemory(limits.memory);
    if (limits.cpus !== undefined) patch.cpus = parseCpus(limits.cpus, this.deps.hostCpus ?? os.cpus().length);
    if (Object.keys(patch).length === 0) throw new BerthError('INVALID_RESOURCE_LIMIT', 'Give --memory and/or --cpu.');
    const updated = this.deps.appSettings.setProcessSettings(app, patch);
    const words = [`memory ${updated.memoryMb === null ? 'unlimited' : `${updated.memoryMb} MiB`}`, `cpus ${updated.cpus ?? 'unlimited'}`];
    this.deps.events.record({ app, kind: 'ps.settings', message: `resource limits: ${words.join(', ')}`, user });
    return updated;
  }

  drainSettings(app: string): { retireWait: number; stopTimeout: number } {
    this.requireApp(app);
    const s = this.deps.deployer.drainSettingsOf(app);
    return { retireWait: s.retireWaitSeconds, stopTimeout: s.stopTimeoutSeconds };
  }

  private requireApp(app: string): AppRecord {
    const record = this.deps.apps.find(app);
    if (!record) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
    return record;
  }

  private requireRelease(app: string): ReleaseRecord {
    this.requireApp(app);
    const release = this.deps.releases.current(app);
    if (!release) throw new BerthError('NO_RELEASE', `${app} has not been deployed yet; push it first.`);
    return release;
  }
}

/** Whole seconds 0–max (at most 3600) (`60` or `60s`); null, "" or "default" restores berth's default. */
function parseSeconds(value: unknown, name: string, max: number, setting: string): number | null {
  if (value === null || value === '' || value === 'default') return null;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const m = /^(\d{1,4})s?$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(n) || n > 3600) {
    throw new BerthError('INVALID_PS_SETTING', `${name} must be whole seconds from 0 to ${max} (e.g. 60), not "${String(value).slice(0, 40)}".`);
  }
  if (n > max) {
    throw new BerthError('INVALID_PS_SETTING', `${name} ${n} is above this berth's cap of ${max} s (${setting}, set by the admin): give at most ${max}.`);
  }
  return n;
}
