import crypto from 'node:crypto';
import { BerthError } from '../errors';
import { LABEL, imageRepo, processSteps, runPipeline, waitPassing, type Log } from '../deploys';
import { gatingChecks } from '../manifest';
import type { Router } from '../ports/router';
import type { ReleaseRecord, Store } from '../ports/store';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesReader } from '../releases/releases-reader';
import type { ProcessesWriter } from '../processes/processes-reader';
import type { ImageRegistry, SwarmEngine, SwarmServiceInfo } from '../ports/swarm';
import type { OneOffRun } from '../one-off';
import type { DeployOptions, Scheduler, SchedulerName, SchedulerStatus, StartedRelease, StepContext } from '../deploys/scheduler';
import { addressOf, addressesOf, isServing, placementProblem, waitRunning } from './swarm-tasks';
import { drainSwarmTasks } from './swarm-drain';
import { requireSwarm } from './require-swarm';

export interface SwarmSchedulerDeps {
  /** The schedulers module's own table (placement); the app, its releases and its stopped mark through their owners. */
  readonly store: Pick<Store, 'schedulers'>;
  readonly apps: AppsReader;
  readonly releases: Pick<ReleasesReader, 'current' | 'get'>;
  readonly processes: Pick<ProcessesWriter, 'isStopped' | 'setStopped'>;
  readonly swarm: SwarmEngine;
  readonly registry: ImageRegistry;
  readonly router: Router;
  /** The berth network name: services carry `berth.scope=<network>-swarm`, apart from local containers. */
  readonly network: string;
  readonly retireWaitSeconds: number;
  /** The app's storage mounts, re-verified for this start (as on docker-local). */
  readonly mountsOf: (app: string) => { source: string; target: string }[];
  /** The app's retire-wait and stop-timeout (`ps:set`), else berth's defaults. */
  readonly drainSettingsOf?: (app: string) => { retireWaitSeconds: number; stopTimeoutSeconds: number };
  /** Open connections to a container on this host (the manager's engine); null for one it does not run. */
  readonly connectionsTo?: (containerId: string, port: number) => Promise<number | null>;
  readonly domainsOf: (app: string) => string[];
  /** The env of the release's processes (config, service URLs, PORT), as on docker-local. */
  readonly envFor: (release: ReleaseRecord) => Record<string, string>;
  /** Formation per process type for a release. */
  readonly scaleOf: (app: string, release: ReleaseRecord) => Record<string, number>;
  /** Runs the Procfile's `release:` command once, in a one-off container on the manager; throws when it fails. */
  readonly runReleaseCommand: (release: ReleaseRecord, log: Log) => Promise<void>;
  /** The OneOffRunner (with berth's network ensured): a one-off container on the manager's engine. */
  readonly runOneOff: (o: OneOffRun) => Promise<number>;
  /** Keeps a service's output before it is removed (app/logs archives it, as for containers). */
  readonly beforeRemoveService?: (service: SwarmServiceInfo) => Promise<void>;
}

/** What `start` made on the swarm: the new services, and the app's services before them (to retire). */
interface SwarmStarted extends StartedRelease {
  readonly services: readonly SwarmServiceInfo[];
  readonly old: readonly SwarmServiceInfo[];
  readonly scale: Readonly<Record<string, number>>;
  /** The web service's name, when the release has web tasks to check and route to. */
  readonly web: string | null;
  /** The web tasks' addresses, once their checks passed. */
  upstreams: { host: string; port: number }[];
}

const total = (scale: Readonly<Record<string, number>>): number => Object.values(scale).reduce((a, b) => a + b, 0);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Pulling the image on a node comes before the app's own start-up time. */
const PULL_SECONDS = 120;

/**
 * One swarm service per process type and deploy (`<app>-<type>-<deploy id>`). A deploy is blue/green,
 * as on docker-local: the new services start, their web tasks must answer berth's health check on
 * their host-mode ports, the router switches to them, then the old services drain and go. A failing
 * check removes the new services, so the old release never stopped serving. In-place changes
 * (scale) use swarm's own update machinery (start-first, rollback on failure).
 */
export class SwarmScheduler implements Scheduler<SwarmStarted> {
  readonly name = 'swarm' as const;

  constructor(private readonly deps: SwarmSchedulerDeps) {}

  private get scope(): string { return `${this.deps.network}-swarm`; }

  async start(release: ReleaseRecord, ctx: StepContext): Promise<SwarmStarted> {
    // A compose app's services differ in image, argv and volumes: only the docker-local scheduler starts them.
    if (release.manifest.compose) throw new BerthError('COMPOSE_UNSUPPORTED', `${release.app} deploys a compose file, which berth runs on the docker-local scheduler only: \`berth scheduler:set ${release.app} docker-local\`.`);
    await this.requireSwarm();
    const app = release.app;
    const image = await this.deps.registry.push(release.image, ctx.log);
    const old = await this.servicesOf(app);
    const deployId = crypto.randomBytes(3).toString('hex');
    const scale = this.deps.scaleOf(app, release);
    const services: SwarmServiceInfo[] = [];
    try {
      for (const [type, replicas] of Object.entries(scale)) {
        const name = serviceName(app, type, deployId);
        ctx.log(`-----> Creating swarm service ${name} (${replicas} × ${type}, start-first updates, rollback on failure)`);
        services.push(await this.deps.swarm.upsertService(this.spec(release, { type, replicas, image, name, deployId })));
      }
    } catch (e) {
      // Its own partial work: the pipeline only undoes steps that finished.
      for (const s of services) await this.removeService(s);
      throw e;
    }
    const web = (scale.web ?? 0) > 0 ? serviceName(app, 'web', deployId) : null;
    return { release, services, old, scale, web, upstreams: [], made: plural(services.length, 'swarm service') };
  }

  async unstart(started: SwarmStarted): Promise<string> {
    for (const s of started.services) await this.removeService(s);
    return `removed ${plural(started.services.length, 'swarm service')}`;
  }

  async checkHealth(started: SwarmStarted, ctx: StepContext): Promise<void> {
    if (started.web === null) return;
    started.upstreams = await this.checkWeb(started.release, { service: started.web, replicas: started.scale.web, log: ctx.log, options: ctx });
  }

  async switchTo(started: SwarmStarted, ctx: StepContext): Promise<void> {
    const app = started.release.app;
    // No web process (or web=0): nothing to route to; the router answers its "app down" page.
    await this.deps.router.apply({ app, domains: this.deps.domainsOf(app), upstreams: started.upstreams });
    if (started.web !== null) {
      const u = started.upstreams;
      ctx.log(`-----> Routing ${this.deps.domainsOf(app)[0]} to ${plural(u.length, 'swarm task')} (${u.map((x) => `${x.host}:${x.port}`).join(', ')})`);
    }
  }

  async retireOld(started: SwarmStarted, ctx: StepContext): Promise<void> {
    const app = started.release.app;
    const mine = new Set(started.services.map((s) => s.name));
    const old = started.old.filter((s) => !mine.has(s.name));
    if (old.length > 0) {
      const wait = this.settingsOf(app).retireWaitSeconds;
      ctx.log(`-----> Retiring ${plural(old.length, 'old swarm service')}: their web tasks drain (at most ${wait} s)`);
      const how = await this.drainWeb(old, wait);
      ctx.log(`-----> Removing the old services: ${how}`);
      for (const s of old) await this.removeService(s);
    }
    this.deps.processes.setStopped(app, false);
  }

  /** The Procfile's release command: a one-off container of the image on the manager, where it was built (no pull). */
  runReleaseCommand(release: ReleaseRecord, log: Log): Promise<void> {
    return this.deps.runReleaseCommand(release, log);
  }

  /**
   * The release pipeline's start → health → route → retire for a release that is already current
   * (a restart, a scale with no services of it yet): a failing step undoes the start, in the log.
   */
  private async replaceAll(release: ReleaseRecord, ctx: StepContext): Promise<number> {
    const steps = processSteps<{ log: Log; signal?: AbortSignal; scheduler: SwarmScheduler }>({
      release: () => release, goLive: () => undefined, routeBack: async () => 'nothing to route back',
    });
    await runPipeline(steps, { ...ctx, scheduler: this }, ctx.log);
    return total(this.deps.scaleOf(release.app, release));
  }

  async scale(release: ReleaseRecord, log: Log, options: DeployOptions = {}): Promise<number> {
    await this.requireSwarm();
    const app = release.app;
    const current = (await this.servicesOf(app)).filter((s) => s.labels[LABEL.release] === String(release.version));
    if (current.length === 0) return this.replaceAll(release, { log, signal: options.signal });
    const deployId = current[0].labels[LABEL.deploy];
    const image = current[0].image;
    const scale = this.deps.scaleOf(app, release);
    for (const [type, replicas] of Object.entries(scale)) {
      const name = serviceName(app, type, deployId);
      const existing = current.find((s) => s.name === name);
      log(`-----> Scaling swarm service ${name} to ${replicas}`);
      if (existing) await this.deps.swarm.scaleService(name, replicas);
      else await this.deps.swarm.upsertService(this.spec(release, { type, replicas, image, name, deployId }));
      if (type === 'web' && replicas > 0) await this.checkWeb(release, { service: name, replicas, log, options });
    }
    await this.route(app);
    return total(scale);
  }

  /** A swarm service runs every type's tasks: a restart is a blue/green deploy of all of them (new services, then the old ones go). */
  async restart(release: ReleaseRecord, _types: readonly string[], log: Log, options: DeployOptions = {}): Promise<number> {
    await this.requireSwarm();
    log('-----> On swarm: new services for every process type, then the old ones go');
    return this.replaceAll(release, { log, signal: options.signal });
  }

  async stop(app: string, log: Log): Promise<void> {
    await this.deps.router.apply({ app, domains: this.deps.domainsOf(app), upstreams: [] });
    const services = await this.servicesOf(app);
    log(`-----> Stopping ${app}: scaling ${services.length} swarm service${services.length === 1 ? '' : 's'} to 0`);
    for (const s of services) await this.deps.swarm.scaleService(s.name, 0);
  }

  async route(app: string): Promise<void> {
    const stopped = this.deps.processes.isStopped(app);
    const release = this.deps.releases.current(app);
    const upstreams = stopped || !release ? [] : await this.upstreamsOf(app, String(release.version));
    await this.deps.router.apply({ app, domains: this.deps.domainsOf(app), upstreams });
  }

  /**
   * A one-off of a swarm app is a plain container on the manager's engine, not a swarm task: swarm
   * has no interactive attach to a task (`berth run` streams stdin/stdout both ways), and the
   * release image is local on the manager, where it was built. It gets what the app's services get:
   * the same image and the same env (`envFor`: config, service URLs, PORT), plus the app's limits
   * and mounts as on docker-local; it joins berth's network on the manager, not a node's.
   */
  run(o: OneOffRun): Promise<number> {
    return this.deps.runOneOff(o);
  }

  async logs(app: string, tail: number): Promise<string> {
    const out: string[] = [];
    for (const s of await this.servicesOf(app)) out.push(await this.deps.swarm.serviceLogs(s.name, tail).catch(() => ''));
    return out.join('');
  }

  async status(app: string, release: ReleaseRecord | null): Promise<SchedulerStatus> {
    const active = (await this.deps.swarm.status().catch(() => null))?.active === true;
    const desired = release ? this.deps.scaleOf(app, release) : {};
    const stopped = this.deps.processes.isStopped(app);
    // No swarm (left, or never joined): nothing runs, which a report must show as such.
    if (!active) {
      return { scheduler: 'swarm', processes: Object.entries(desired).map(([type, n]) => ({ type, desired: stopped ? 0 : n, running: 0, instances: [] })) };
    }
    const nodes = await this.deps.swarm.nodes();
    const services = await this.servicesOf(app);
    const processes = [];
    for (const type of new Set([...Object.keys(desired), ...services.map((s) => s.labels[LABEL.process])])) {
      const mine = services.filter((s) => s.labels[LABEL.process] === type);
      const tasks = (await Promise.all(mine.map((s) => this.deps.swarm.tasks(s.name)))).flat().filter((t) => t.desiredState === 'running')
        .sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
      const want = stopped ? 0 : desired[type] ?? 0;
      const running = tasks.filter((t) => t.state === 'running').length;
      processes.push({
        type,
        desired: want,
        running,
        problem: placementProblem({ app, type, desired: want, running, tasks, nodes, placement: this.deps.store.schedulers.get(app).placement }),
        instances: tasks.map((t) => {
          const node = nodes.find((n) => n.id === t.nodeId)?.hostname ?? null;
          const address = t.hostPorts.length > 0 ? `${addressOf(t, nodes).host}:${t.hostPorts[0]}` : null;
          const service = mine.find((s) => s.id === t.serviceId);
          const release = Number(service?.labels[LABEL.release]);
          return { name: `${type}.${t.slot ?? '?'}`, node, state: t.state, address, id: t.id, release: Number.isInteger(release) ? release : null };
        }),
      });
    }
    return { scheduler: 'swarm', processes };
  }

  async retire(app: string, log: Log, o: { movedTo?: SchedulerName } = {}): Promise<void> {
    if (!(await this.deps.swarm.status().catch(() => null))?.active) return;
    const services = await this.servicesOf(app);
    if (services.length === 0) return;
    // The app moved to another scheduler: the web tasks drain (counted on this host, the retire-wait elsewhere) first.
    if (o.movedTo) await this.drainWeb(services, this.settingsOf(app).retireWaitSeconds);
    log(`-----> Removing ${plural(services.length, 'swarm service')} of ${app}`);
    for (const s of services) await this.removeService(s);
  }

  /**
   * Deletes the app's release images from berth's registry except the tags in `keep` (the releases
   * whose local images are kept), then reclaims their disk; `keep` empty forgets the app's images.
   */
  async pruneRegistry(app: string, keep: readonly string[]): Promise<string[]> {
    return this.deps.registry.prune(imageRepo(app), keep);
  }

  private async removeService(s: SwarmServiceInfo): Promise<void> {
    await this.deps.beforeRemoveService?.(s).catch(() => undefined);
    await this.deps.swarm.removeService(s.name).catch(() => undefined);
  }

  /** Waits for the web tasks, then checks each over HTTP on its published port; resolves their addresses. */
  private async checkWeb(release: ReleaseRecord, o: { service: string; replicas: number; log: Log; options: DeployOptions }) {
    // A swarm task has no exec from here and its published port is not the check's: HTTP checks
    // only, on the published port.
    const checks = gatingChecks(release.manifest, 'web').filter((c) => c.command === null).map((c) => ({ ...c, port: null }));
    const seconds = Math.max(60, ...checks.map((c) => c.initialDelay + c.attempts * c.timeout + (c.attempts - 1) * c.wait));
    o.log(`-----> Waiting for ${o.replicas} web task${o.replicas === 1 ? '' : 's'} to run and answer on port ${release.port}`);
    let reason: string | null = null;
    let upstreams: { host: string; port: number }[] = [];
    try {
      const tasks = await waitRunning({ swarm: this.deps.swarm, service: o.service, replicas: o.replicas, seconds: seconds + PULL_SECONDS, signal: o.options.signal, needPorts: true });
      const nodes = await this.deps.swarm.nodes();
      upstreams = addressesOf(tasks, nodes);
      const alive = async () => true;
      const reasons = await Promise.all(upstreams.map(async (u) => {
        for (const check of checks) {
          const r = await waitPassing(check, { host: u.host, port: u.port }, alive, o.options.signal);
          if (r !== null && !check.warn) return r;
        }
        return null;
      }));
      reason = reasons.find((r) => r !== null) ?? null;
    } catch (e) {
      reason = (e as Error).message;
    }
    if (reason === null) return upstreams;
    const tail = await this.deps.swarm.serviceLogs(o.service, 20).catch(() => '');
    if (tail.trim()) {
      o.log(`-----> Last log lines of ${o.service}:`);
      for (const line of tail.trimEnd().split('\n').slice(-20)) o.log(`       ${line}`);
    }
    throw new BerthError('HEALTHCHECK_FAILED', `v${release.version} failed its health check on swarm: ${reason}. The previous release keeps serving.`);
  }

  private async upstreamsOf(app: string, version: string): Promise<{ host: string; port: number }[]> {
    const web = (await this.servicesOf(app)).filter((s) => s.labels[LABEL.process] === 'web' && s.labels[LABEL.release] === version);
    if (web.length === 0) return [];
    const nodes = await this.deps.swarm.nodes();
    const tasks = (await Promise.all(web.map((s) => this.deps.swarm.tasks(s.name)))).flat().filter(isServing);
    return addressesOf(tasks, nodes);
  }

  /** The app's services on this berth's swarm (none when there is no active swarm). */
  async servicesOfApp(app: string): Promise<SwarmServiceInfo[]> {
    if (!(await this.deps.swarm.status().catch(() => null))?.active) return [];
    return this.servicesOf(app);
  }

  private async servicesOf(app: string): Promise<SwarmServiceInfo[]> {
    return this.deps.swarm.listServices({ [LABEL.app]: app, [LABEL.scope]: this.scope });
  }

  private requireSwarm(): Promise<void> {
    return requireSwarm(this.deps.swarm);
  }

  /**
   * Waits while the old services' web tasks hold connections: counted for tasks on this host,
   * the full retire-wait while any runs elsewhere (swarm-drain.ts). Removing a service then stops
   * its tasks with the app's stop-timeout as their grace period. The push waits for this.
   */
  async drainWeb(services: readonly SwarmServiceInfo[], retireWaitSeconds: number): Promise<string> {
    const web = services.filter((s) => s.labels[LABEL.process] === 'web');
    if (web.length === 0 || retireWaitSeconds === 0) return 'no web task to drain';
    const version = Number(web[0].labels[LABEL.release]);
    const app = web[0].labels[LABEL.app] ?? '';
    const port = this.deps.releases.get(app, version)?.port ?? this.deps.releases.current(app)?.port ?? 5000;
    const count = this.deps.connectionsTo;
    return drainSwarmTasks({
      containers: async () => (await Promise.all(web.map((s) => this.deps.swarm.tasks(s.name)))).flat()
        .filter((t) => t.desiredState === 'running').map((t) => t.containerId),
      port,
      count: count ?? (async () => null),
      retireWaitSeconds,
    });
  }

  private settingsOf(app: string): { retireWaitSeconds: number; stopTimeoutSeconds: number } {
    return this.deps.drainSettingsOf?.(app) ?? { retireWaitSeconds: this.deps.retireWaitSeconds, stopTimeoutSeconds: 10 };
  }

  private spec(release: ReleaseRecord, o: { type: string; replicas: number; image: string; name: string; deployId: string }) {
    const { store } = this.deps;
    const record = this.deps.apps.find(release.app);
    return {
      name: o.name,
      image: o.image,
      command: release.processes[o.type] || undefined,
      env: this.deps.envFor(release),
      labels: {
        [LABEL.app]: release.app, [LABEL.process]: o.type, [LABEL.release]: String(release.version),
        [LABEL.scope]: this.scope, [LABEL.deploy]: o.deployId,
      },
      replicas: o.replicas,
      publishPort: o.type === 'web' ? release.port : null,
      restartPolicy: record?.restartPolicy ?? 'unless-stopped',
      memoryMb: record?.memoryMb ?? null,
      cpus: record?.cpus ?? null,
      constraints: store.schedulers.get(release.app).placement,
      mounts: this.deps.mountsOf(release.app),
      stopGraceSeconds: this.settingsOf(release.app).stopTimeoutSeconds,
    };
  }
}

/** `<app>-<type>-<deploy id>`, within the 63 characters a service name may have. */
export function serviceName(app: string, type: string, deployId: string): string {
  return `${`${app}-${type}`.slice(0, 55)}-${deployId}`;
}

