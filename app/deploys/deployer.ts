import { BerthError } from '../errors';
import type { ContainerEngine, ContainerInfo } from '../ports/container-engine';
import type { Router } from '../ports/router';
import type { AppRecord, ReleaseRecord, Store } from '../ports/store';
import type { ReleasesReader } from '../releases/releases-reader';
import type { ProcessesReader } from '../processes/processes-reader';
import { appNetworkName, type AppsReader } from '../apps';
import { LABEL, containerName, newDeployId } from '../naming/container-names';
import { gatingChecks } from '../manifest';
import { checksOff } from './checks-settings';
import { describeCheck, waitPassing, type CheckTarget } from './health-check';
import { Drainer } from './drainer';
import type { Log } from './pipeline';
import { composeContainer } from '../compose';

export interface DeployerDeps {
  /** The deploys module's own tables: retirements in progress, drain and checks settings. */
  readonly store: Pick<Store, 'drains' | 'drainSettings' | 'deploySettings'>;
  /** Other modules' data, through their owners: the app's record, its releases, its scale and stopped mark. */
  readonly apps: AppsReader;
  readonly releases: Pick<ReleasesReader, 'current' | 'get'>;
  readonly processes: ProcessesReader;
  readonly engine: ContainerEngine;
  readonly router: Router;
  /** berth's scope: the label that keeps test berths apart, and the prefix of each app's own network. */
  readonly network: string;
  /** Service containers linked to an app (they join its network) and the label all service containers carry. */
  readonly services?: { readonly label: string; readonly containersOf: (app: string) => string[] };
  /** BERTH_RETIRE_WAIT: at most this long an unrouted container drains (apps may set their own). */
  readonly retireWaitSeconds: number;
  /** BERTH_STOP_TIMEOUT: SIGTERM to SIGKILL (apps may set their own); default 30. */
  readonly stopTimeoutSeconds?: number;
  /** BERTH_MAX_RETIRING (Drainer). */
  readonly maxRetiring?: number;
  /** Where retirements are recorded (`ps.retired` events). */
  readonly events?: { record(e: { app: string; kind: 'ps.retired'; message: string; user: null }): unknown };
  /** The app's storage mounts, re-verified for this start (app/storage mountsForStart; throws INVALID_STORAGE_MOUNT). */
  readonly mountsOf: (app: string) => { source: string; target: string }[];
  /** A compose bind mount's folder of the app's storage, made and re-verified for this start (StorageService.composeDirForStart). */
  readonly composeDirOf?: (app: string, dir: string) => string;
  /** Hostnames for an app (default vhost + custom domains). */
  readonly domainsOf: (app: string) => string[];
  /** Extra env for an app's containers (service URLs). */
  readonly extraEnv?: (app: string) => Record<string, string>;
  /** Called for each container once stopped, before it is removed (app/logs archives its output). */
  readonly beforeRemove?: (container: ContainerInfo) => Promise<void>;
}

export type { Log };

/** Process types that run as long-lived containers (the release command runs once instead). */
export function runningTypes(release: ReleaseRecord): string[] {
  return Object.keys(release.processes).filter((t) => t !== 'release');
}

/**
 * docker-local's container mechanics: starts a release's containers, checks them, points the
 * router at them and drains the old ones. The deploy order (start, health, route, retire, each
 * with its undo) is the release pipeline's (release-pipeline.ts), through DockerLocalScheduler.
 */
export class Deployer {
  /** Retires unrouted containers; the ones it holds are never routed to again and the reconciler leaves them be. */
  private readonly drainer: Drainer;

  constructor(private readonly deps: DeployerDeps) {
    this.drainer = new Drainer({
      store: deps.store, engine: deps.engine, beforeRemove: deps.beforeRemove, maxRetiring: deps.maxRetiring,
      defaults: { retireWaitSeconds: deps.retireWaitSeconds, stopTimeoutSeconds: deps.stopTimeoutSeconds ?? 30 },
      record: deps.events ? (e) => deps.events!.record({ ...e, kind: 'ps.retired', user: null }) : undefined,
    });
  }

  get network(): string { return this.deps.network; }

  /** Every container of the app on this berth (any release, any state), retiring ones excluded. */
  async containersOf(app: string): Promise<ContainerInfo[]> {
    const all = await this.deps.engine.listContainers({ labels: { [LABEL.app]: app, [LABEL.scope]: this.deps.network } });
    return all.filter((c) => !this.drainer.isDraining(c.id));
  }

  isRetiring(id: string): boolean {
    return this.drainer.isDraining(id);
  }

  /**
   * Counts per process type: the app's own (ps:scale), else app.json `formation` (the first
   * deploy, or a type that has no count yet), else 1 web and 0 of the others.
   */
  scaleOf(app: string, release: ReleaseRecord): Record<string, number> {
    const formation = this.deps.processes.formationOf(app);
    const scale: Record<string, number> = {};
    for (const type of runningTypes(release)) scale[type] = formation[type] ?? release.manifest.formation[type] ?? (type === 'web' ? 1 : 0);
    return scale;
  }

  envFor(release: ReleaseRecord): Record<string, string> {
    return { ...(this.deps.extraEnv?.(release.app) ?? {}), ...release.config, PORT: String(release.port) };
  }

  /**
   * The app's own network, made if missing, holding exactly the services linked to it: an app's
   * containers reach its services and nothing of other apps (docker isolates bridge networks).
   */
  async prepareNetwork(app: string, known?: AppRecord): Promise<string> {
    const record = known ?? this.deps.apps.find(app);
    if (!record) throw new BerthError('APP_NOT_FOUND', `App "${app}" does not exist; \`berth apps:list\` shows your apps.`);
    const network = appNetworkName(this.deps.network, record.id);
    await this.deps.engine.ensureNetwork(network, { forApp: true });
    const services = this.deps.services;
    if (services) await this.deps.engine.syncNetworkMembers(network, { label: services.label, members: services.containersOf(app) });
    return network;
  }

  /** Removes the app's network once its containers are gone (destroy); linked services are detached from it. */
  async removeNetwork(app: string): Promise<void> {
    const record = this.deps.apps.find(app);
    if (record) await this.deps.engine.removeNetwork(appNetworkName(this.deps.network, record.id));
  }

  /** A fresh id for one deploy's containers (their names and `berth.deploy` label). */
  newDeployId(): string {
    return newDeployId();
  }

  /** The app's first hostname (for the push log). */
  domainOf(app: string): string {
    return this.deps.domainsOf(app)[0];
  }

  /** The last lines a container wrote. */
  containerLogs(id: string, tail: number): Promise<string> {
    return this.deps.engine.containerLogs(id, tail);
  }

  /** Points the router at exactly these upstreams (none: the router's "app down" page). */
  async routeTo(app: string, upstreams: { host: string; port: number }[]): Promise<void> {
    await this.deps.router.apply({ app, domains: this.deps.domainsOf(app), upstreams });
  }

  /**
   * Stops (keeps) the running containers of one type before its new ones start: compose services
   * with named volumes (two servers on one data folder would corrupt it). Undo: restartAll.
   */
  async stopFirst(old: readonly ContainerInfo[], type: string, log: Log): Promise<ContainerInfo[]> {
    const running = old.filter((c) => c.labels[LABEL.process] === type && c.state === 'running');
    if (running.length === 0) return [];
    log(`-----> Stopping the old ${type} container${running.length === 1 ? '' : 's'} first: ${type} holds named volumes`);
    const { stopTimeoutSeconds } = this.drainSettingsOf(running[0].labels[LABEL.app] ?? '');
    await Promise.all(running.map((c) => this.deps.engine.stopContainer(c.id, stopTimeoutSeconds)));
    return running;
  }

  /** Starts containers stopFirst stopped again (the deploy failed). */
  async restartAll(containers: readonly ContainerInfo[]): Promise<void> {
    for (const c of containers) await this.deps.engine.restartContainer(c.id, 10).catch(() => undefined);
  }

  /**
   * Points the router at the given web containers, or else at the current release's running web
   * containers (reconcile, domain changes); none when the app is stopped.
   */
  async route(app: string, web?: { containers: ContainerInfo[]; port: number }): Promise<void> {
    const current = this.deps.releases.current(app);
    const stopped = this.deps.processes.isStopped(app);
    const containers = web?.containers ?? (stopped ? [] : (await this.containersOf(app)).filter((c) =>
      c.labels[LABEL.process] === 'web' && c.state === 'running' && c.labels[LABEL.release] === String(current?.version)));
    const port = web?.port ?? current?.port ?? 5000;
    await this.deps.router.apply({
      app,
      domains: this.deps.domainsOf(app),
      upstreams: containers.filter((c) => c.ip).map((c) => ({ host: c.ip!, port })),
    });
  }

  /** Removes every container of the app at once, those being retired too (destroy, rename). */
  async stopAll(app: string): Promise<void> {
    const all = await this.deps.engine.listContainers({ labels: { [LABEL.app]: app, [LABEL.scope]: this.deps.network } });
    this.drainer.forget(all.map((c) => c.id));
    await this.removeAll(all);
  }

  /**
   * Starts containers of one process type (slots `indices`, for their names). The app's restart
   * policy, limits and storage mounts apply. A failure removes the ones this call started.
   */
  async startContainers(release: ReleaseRecord, type: string, o: { indices: readonly number[]; deployId?: string; app?: AppRecord }, log: Log): Promise<ContainerInfo[]> {
    // The record the pipeline read for this run; a scale or restart reads it here.
    const app = o.app ?? this.deps.apps.find(release.app);
    const deployId = o.deployId ?? newDeployId();
    const mounts = this.deps.mountsOf(release.app);
    const out: ContainerInfo[] = [];
    const count = o.indices.length;
    if (count === 0) return out;
    log(`-----> Starting ${count} ${type} container${count === 1 ? '' : 's'} of v${release.version}`);
    const network = await this.prepareNetwork(release.app, app ?? undefined);
    try {
      for (const i of o.indices) out.push(await this.runOne({ release, type, index: i, deployId, app, mounts, network }));
    } catch (e) {
      await this.removeAll(out);
      throw e;
    }
    return out;
  }

  private async runOne(o: {
    release: ReleaseRecord; type: string; index: number; deployId: string;
    app: AppRecord | null; mounts: { source: string; target: string }[]; network: string;
  }): Promise<ContainerInfo> {
    const { release, type, deployId, app } = o;
    return this.deps.engine.runContainer(composeContainer(release, type, app?.id, {
      name: containerName(release.app, type, o.index, deployId),
      image: release.image,
      command: release.processes[type] || undefined,
      env: this.envFor(release),
      labels: {
        [LABEL.app]: release.app, [LABEL.process]: type, [LABEL.release]: String(release.version),
        [LABEL.scope]: this.deps.network, [LABEL.deploy]: deployId,
      },
      network: o.network,
      restartPolicy: app?.restartPolicy ?? 'unless-stopped',
      memoryMb: app?.memoryMb ?? undefined,
      cpus: app?.cpus ?? undefined,
      mounts: o.mounts.length > 0 ? o.mounts : undefined,
    }, this.deps.composeDirOf ? (dir) => this.deps.composeDirOf!(release.app, dir) : undefined));
  }

  /**
   * Runs the type's startup and readiness checks (app.json; web gets berth's default when it
   * declares no startup check) on each new container, logging each result. A failure throws
   * HEALTHCHECK_FAILED with the container's log tail; a failing `warn` check only warns.
   */
  async checkHealth(release: ReleaseRecord, type: string, containers: ContainerInfo[], log: Log, signal?: AbortSignal): Promise<void> {
    const checks = gatingChecks(release.manifest, type);
    if (containers.length === 0 || checks.length === 0) return;
    const off = checksOff(this.deps.store.deploySettings.get(release.app), type);
    if (off) { log(`-----> ${type} checks ${off} (checks:${off === 'disabled' ? 'disable' : 'skip'}); \`berth checks:enable ${release.app}\` turns them back on`); return; }
    log(`-----> Waiting for ${containers.length} ${type} container${containers.length === 1 ? '' : 's'} to pass ${checks.length} check${checks.length === 1 ? '' : 's'}`);
    const failures = await Promise.all(containers.map(async (c) => {
      const target = this.checkTarget(c, release.port);
      const alive = async () => (await this.deps.engine.inspectContainer(c.id))?.state === 'running';
      for (const check of checks) {
        const what = `${c.name.split('.').slice(2, 4).join('.')} ${check.type} "${check.name}" (${describeCheck(check, release.port)})`;
        const reason = await waitPassing(check, target, alive, signal);
        if (reason === null) { log(`       ${what}: passed`); continue; }
        if (check.warn) { log(`       ${what}: failed, warn only: ${reason}`); continue; }
        log(`       ${what}: failed: ${reason}`);
        return { c, reason: `${what}: ${reason}` };
      }
      return null;
    }));
    const failed = failures.find((f) => f !== null);
    if (!failed) return;
    const tail = await this.deps.engine.containerLogs(failed.c.id, 20).catch(() => '');
    if (tail.trim()) {
      log(`-----> Last log lines of ${failed.c.name}:`);
      for (const line of tail.trimEnd().split('\n')) log(`       ${line}`);
    }
    throw new BerthError('HEALTHCHECK_FAILED', `v${release.version} failed its health check: ${failed.reason}. The previous release keeps serving.`);
  }

  /** How checks reach a container: its address, and docker exec for command checks. */
  checkTarget(c: ContainerInfo, port: number): CheckTarget {
    return {
      host: c.ip, port,
      exec: async (argv, timeoutMs) => {
        let output = '';
        const code = await this.deps.engine.exec({
          container: c.id, command: argv, tty: false, signal: AbortSignal.timeout(timeoutMs),
          onOutput: (chunk) => { if (output.length < 65536) output += chunk.toString('utf8'); },
        }).catch((e: Error) => { output += `\n${e.message}`; return -1; });
        // execIn answers -1 when the timeout aborted it.
        return { code, output: code === -1 ? `${output}\ntimed out after ${timeoutMs / 1000} s` : output };
      },
    };
  }

  async runReleaseCommand(release: ReleaseRecord, log: Log): Promise<void> {
    log(`-----> Running release command: ${release.processes.release}`);
    let partial = '';
    const code = await this.deps.engine.runOneOff({
      name: containerName(release.app, 'release', 1, newDeployId()),
      image: release.image,
      command: release.processes.release,
      env: this.envFor(release),
      labels: { [LABEL.app]: release.app, [LABEL.process]: 'release-phase', [LABEL.scope]: `${this.deps.network}-oneoff` },
      network: await this.prepareNetwork(release.app),
      restartPolicy: 'no',
      onOutput: (chunk) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) log(`       ${l}`);
      },
    });
    if (partial) log(`       ${partial}`);
    if (code !== 0) {
      throw new BerthError('DEPLOY_FAILED', `The release command exited with code ${code}; the deploy was stopped and the previous release keeps serving.`);
    }
  }

  /**
   * A compose service another waits for with `condition: service_completed_successfully`: run once
   * to completion (its image, argv, env and volumes, on the app's network under its compose name)
   * before the services after it start. A non-zero exit fails the deploy; the previous release serves.
   */
  async runComposeOneShot(release: ReleaseRecord, type: string, log: Log): Promise<void> {
    const app = this.deps.apps.find(release.app);
    log(`-----> Running ${type} of v${release.version} to completion (service_completed_successfully)`);
    let partial = '';
    const mounts = this.deps.mountsOf(release.app);
    const spec = composeContainer(release, type, app?.id, {
      name: containerName(release.app, type, 1, newDeployId()),
      image: release.image,
      env: this.envFor(release),
      labels: { [LABEL.app]: release.app, [LABEL.process]: type, [LABEL.release]: String(release.version), [LABEL.scope]: `${this.deps.network}-oneoff` },
      network: await this.prepareNetwork(release.app),
      restartPolicy: 'no',
      memoryMb: app?.memoryMb ?? undefined,
      cpus: app?.cpus ?? undefined,
      mounts: mounts.length > 0 ? mounts : undefined,
    }, this.deps.composeDirOf ? (dir) => this.deps.composeDirOf!(release.app, dir) : undefined);
    const code = await this.deps.engine.runOneOff({
      ...spec,
      onOutput: (chunk) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) log(`       ${type} | ${l}`);
      },
    });
    if (partial) log(`       ${type} | ${partial}`);
    if (code !== 0) {
      throw new BerthError('DEPLOY_FAILED', `Compose service ${type} exited with code ${code}; the services waiting for it did not start and the previous release keeps serving.`);
    }
    log(`       ${type} completed (exit 0)`);
  }

  /**
   * Old containers drain in the background (the Drainer): the new release is already live, so
   * the push need not wait for long requests or slow SIGTERM handlers. Web containers drain their
   * open connections first; the others get SIGTERM at once. A berth restart resumes them.
   */
  async retire(containers: ContainerInfo[], log: Log): Promise<void> {
    void this.scheduleRetire(containers, log);
  }

  /** Like retire, but resolves once they are gone (ps:stop). */
  async retireAndWait(containers: ContainerInfo[], log: Log): Promise<void> {
    await this.scheduleRetire(containers, log);
  }

  private scheduleRetire(containers: ContainerInfo[], log: Log): Promise<void> {
    if (containers.length === 0) return Promise.resolve();
    return this.drainer.retire(containers, { log, port: (c) => this.routedPort(c) });
  }

  /** The port the router sent a web container requests on (its release's); null for other types. */
  private routedPort(c: ContainerInfo): number | null {
    if (c.labels[LABEL.process] !== 'web') return null;
    const app = c.labels[LABEL.app] ?? '';
    const version = Number(c.labels[LABEL.release]);
    const release = Number.isInteger(version) ? this.deps.releases.get(app, version) : null;
    return (release ?? this.deps.releases.current(app))?.port ?? 5000;
  }

  /** The app's retire-wait and stop-timeout (its own, else berth's defaults). */
  drainSettingsOf(app: string): { retireWaitSeconds: number; stopTimeoutSeconds: number } {
    return this.drainer.settingsOf(app);
  }

  /** `ps:set retire-wait|stop-timeout` (checked by the processes module; null restores berth's default). */
  setDrainSettings(app: string, patch: { retireWaitSeconds?: number | null; stopTimeoutSeconds?: number | null }): void { this.deps.store.drainSettings.set(app, patch); }

  /** Starts the recorded retirements a restart of berth interrupted (the reconciler calls it every pass). */
  resumeRetirements(): number {
    return this.drainer.resume();
  }

  /** Containers of the app being retired, with their open connections now (ps:report). */
  async draining(app: string): Promise<{ id: string; name: string; phase: 'draining' | 'stopping'; since: string; connections: number | null }[]> {
    return Promise.all(this.drainer.draining(app).map(async (d) => ({
      id: d.containerId, name: d.name, phase: d.phase, since: d.since,
      connections: d.port === null ? null : await this.deps.engine.connectionsTo(d.containerId, d.port).catch(() => null),
    })));
  }

  /** Resolves when every background retirement has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await this.drainer.settled();
  }

  /** Stops and removes at once (unrouted or never routed containers), SIGKILL after the app's stop-timeout. */
  async removeAll(containers: readonly ContainerInfo[]): Promise<void> {
    await Promise.all(containers.map(async (c) => {
      const { stopTimeoutSeconds } = this.drainSettingsOf(c.labels[LABEL.app] ?? '');
      await this.deps.engine.stopContainer(c.id, stopTimeoutSeconds).catch(() => undefined);
      await this.deps.beforeRemove?.(c).catch(() => undefined);
      await this.deps.engine.removeContainer(c.id).catch(() => undefined);
    }));
  }
}
