import type { ContainerInfo } from '../ports/container-engine';
import type { ReleaseRecord, Store } from '../ports/store';
import type { Log } from '../deploys';
import type { OneOffRun } from '../one-off';
import { HookedDeployer, type HookRegistry } from '../plugins';
import { converge } from '../processes';
import { DockerLocalScheduler } from './docker-local-scheduler';
import type { Scheduler, SchedulerName } from './scheduler';
import { SwarmScheduler, type SwarmSchedulerDeps } from './swarm-scheduler';

type DeployerDeps = ConstructorParameters<typeof HookedDeployer>[0];

export interface SchedulingOptions {
  /** BERTH_SCHEDULER: the scheduler of apps without their own setting. */
  readonly defaultScheduler: SchedulerName;
  readonly swarm: Omit<SwarmSchedulerDeps, 'envFor' | 'scaleOf' | 'store' | 'domainsOf' | 'retireWaitSeconds' | 'mountsOf' | 'drainSettingsOf' | 'connectionsTo' | 'runReleaseCommand' | 'runOneOff'>;
  /** The OneOffRunner's `run`: both schedulers' one-offs (`Scheduler.run`) delegate to it. */
  readonly runOneOff: (o: OneOffRun) => Promise<number>;
}

/**
 * The seam between the deploy path and the schedulers. Everything that deployed through the
 * Deployer (BuildRunner, converge, the reconciler, domain changes) still does; this subclass
 * hands a swarm app's deploy and routing to the swarm scheduler and leaves a docker-local app's
 * exactly as it was. `for(app)` is the SchedulerRegistry: which scheduler runs an app.
 */
export class SchedulingDeployer extends HookedDeployer {
  readonly local: DockerLocalScheduler;
  readonly swarm: SwarmScheduler;
  private readonly core: DeployerDeps;

  constructor(deps: DeployerDeps, private readonly hookRegistry: HookRegistry, private readonly options: SchedulingOptions) {
    super(deps, hookRegistry);
    this.core = deps;
    this.local = new DockerLocalScheduler({
      deploy: (release, log, o) => super.deploy(release, log, o),
      converge: async (release, log, o) => { await converge(this, release, { log, signal: o.signal }); },
      route: (app) => super.route(app),
      containersOf: (app) => super.containersOf(app),
      retireAndWait: (containers, log) => super.retireAndWait(containers, log),
      removeAll: (containers) => super.removeAll(containers),
      containerLogs: (id, tail) => deps.engine.containerLogs(id, tail),
      scaleOf: (app, release) => this.scaleOf(app, release),
      isStopped: (app) => deps.store.processState.isStopped(app),
      runOneOff: (o) => options.runOneOff(o),
    });
    this.swarm = new SwarmScheduler({
      ...options.swarm, store: deps.store, domainsOf: deps.domainsOf, mountsOf: deps.mountsOf, retireWaitSeconds: deps.retireWaitSeconds,
      drainSettingsOf: (app) => this.drainSettingsOf(app),
      connectionsTo: (id, port) => deps.engine.connectionsTo(id, port),
      envFor: (release) => this.envFor(release), scaleOf: (app, release) => this.scaleOf(app, release),
      // As on docker-local: a one-off container of the release image on the manager, on berth's network.
      runReleaseCommand: async (release, log) => {
        await deps.engine.ensureNetwork(deps.network);
        await this.runReleaseCommand(release, log);
      },
      // A swarm app may never have had a local container: berth's network may not exist yet.
      runOneOff: async (o) => {
        await deps.engine.ensureNetwork(deps.network);
        return options.runOneOff(o);
      },
    });
  }

  private get store(): Store { return this.core.store; }

  /** The scheduler an app runs on: its own setting, else BERTH_SCHEDULER. */
  nameFor(app: string): SchedulerName {
    const own = this.store.schedulers.get(app).scheduler;
    return own === 'swarm' || own === 'docker-local' ? own : this.options.defaultScheduler;
  }

  for(app: string): Scheduler {
    return this.nameFor(app) === 'swarm' ? this.swarm : this.local;
  }

  isSwarm(app: string): boolean {
    return this.nameFor(app) === 'swarm';
  }

  /** Deploys with the app's scheduler, then clears what the other one still runs (a switch). */
  override async deploy(release: ReleaseRecord, log: Log, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (!this.isSwarm(release.app)) {
      await super.deploy(release, log, options);
      if ((await this.swarm.status(release.app, null)).processes.length > 0) {
        // The swarm services' web tasks drain (counted on this host, the retire-wait elsewhere), then go.
        await this.swarm.drainWeb(await this.swarm.servicesOfApp(release.app), this.drainSettingsOf(release.app).retireWaitSeconds);
        await this.swarm.retire(release.app, log);
      }
      return;
    }
    await this.hookRegistry.run('deploy:before', { app: release.app, release, log });
    await this.swarm.deploy(release, log, options);
    const local = await super.containersOf(release.app);
    if (local.length > 0) {
      log(`-----> Retiring ${local.length} local container${local.length === 1 ? '' : 's'}: ${release.app} now runs on swarm`);
      await super.retireAndWait(local, log);
    }
    await this.hookRegistry.run('deploy:after', { app: release.app, release, log });
  }

  override async route(app: string, web?: { containers: ContainerInfo[]; port: number }): Promise<void> {
    if (this.isSwarm(app)) return this.swarm.route(app);
    return super.route(app, web);
  }

  /** A swarm app's processes are swarm tasks: converge and the reconciler start no local containers for it. */
  override async startContainers(...args: Parameters<HookedDeployer['startContainers']>): Promise<ContainerInfo[]> {
    if (this.isSwarm(args[0].app)) return [];
    return super.startContainers(...args);
  }

  /** Rename and destroy: whatever runs, on either scheduler, goes (registry images: AppRuntime's `forget`). */
  override async stopAll(app: string): Promise<void> {
    await super.stopAll(app);
    await this.swarm.retire(app, () => undefined).catch(() => undefined);
  }
}
