import type { ContainerInfo } from '../ports/container-engine';
import type { ReleaseRecord } from '../ports/store';
import { LABEL, slotOf, type Deployer, type Log } from '../deploys';
import type { DeployOptions, Scheduler, SchedulerName, SchedulerStatus, StartedRelease, StepContext } from '../deploys/scheduler';
import type { OneOffRun } from '../one-off';
import { converge } from '../processes';
import { oneShotTypes, startOrderOf, stopFirstTypes } from '../compose';

/** What `start` made on this host: the new containers, and what ran before them (to retire). */
interface LocalStarted extends StartedRelease {
  readonly containers: readonly ContainerInfo[];
  readonly web: readonly ContainerInfo[];
  readonly old: readonly ContainerInfo[];
  readonly scale: Readonly<Record<string, number>>;
  /** Old containers stopped before their type's new ones started (compose services with named volumes). */
  readonly stopped: readonly ContainerInfo[];
  /** A compose release's types were checked as they started (depends_on order): the health step has nothing left. */
  readonly checkedAtStart: boolean;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Containers on this host's engine. The Deployer is its container mechanics (start, check,
 * route, drain); this class is the scheduler contract over them, a peer of SwarmScheduler.
 */
export class DockerLocalScheduler implements Scheduler<LocalStarted> {
  readonly name = 'docker-local' as const;

  constructor(private readonly deps: {
    deployer: Deployer;
    isStopped: (app: string) => boolean;
    setStopped: (app: string, stopped: boolean) => void;
    /** The OneOffRunner: a one-off container on this host's engine. */
    runOneOff: (o: OneOffRun) => Promise<number>;
  }) {}

  async start(release: ReleaseRecord, ctx: StepContext): Promise<LocalStarted> {
    const { deployer } = this.deps;
    const old = await deployer.containersOf(release.app);
    const scale = deployer.scaleOf(release.app, release);
    const deployId = deployer.newDeployId();
    const containers: ContainerInfo[] = [];
    const stopped: ContainerInfo[] = [];
    // A compose file's services start in depends_on order, each type's checks passing before the
    // next type starts (condition: service_healthy); other releases start web first, then check all.
    const compose = release.manifest?.compose != null;
    const stopFirst = stopFirstTypes(release);
    const handle = (): LocalStarted => ({
      release, old, scale, containers, stopped, checkedAtStart: compose,
      web: containers.filter((c) => c.labels[LABEL.process] === 'web'), made: plural(containers.length, 'container'),
    });
    try {
      // One-shots (service_completed_successfully) run to completion at their place in the order.
      const oneShots = oneShotTypes(release);
      for (const type of startOrderOf(release, [...Object.keys(scale), ...oneShots])) {
        if (oneShots.has(type)) { await deployer.runComposeOneShot(release, type, ctx.log); continue; }
        if (scale[type] === undefined) continue;
        if (stopFirst.has(type)) stopped.push(...await deployer.stopFirst(old, type, ctx.log));
        const fresh = await deployer.startContainers(release, type, { indices: range(scale[type]), deployId, app: ctx.app }, ctx.log);
        containers.push(...fresh);
        if (compose) await deployer.checkHealth(release, type, fresh, ctx.log, ctx.signal);
      }
    } catch (e) {
      // Its own partial work: the pipeline only undoes steps that finished.
      await deployer.removeAll(containers);
      await deployer.restartAll(stopped);
      throw e;
    }
    return handle();
  }

  async unstart(started: LocalStarted): Promise<string> {
    await this.deps.deployer.removeAll(started.containers);
    await this.deps.deployer.restartAll(started.stopped);
    return `removed ${plural(started.containers.length, 'container')}${started.stopped.length ? `, restarted ${plural(started.stopped.length, 'old container')}` : ''}`;
  }

  async checkHealth(started: LocalStarted, ctx: StepContext): Promise<void> {
    if (started.checkedAtStart) return;
    // Every type's startup/readiness checks pass before anything is switched: a failing worker
    // check leaves the previous release running, as a failing web check does.
    const types = [...new Set(started.containers.map((c) => c.labels[LABEL.process] ?? ''))];
    for (const type of types) {
      await this.deps.deployer.checkHealth(started.release, type, started.containers.filter((c) => c.labels[LABEL.process] === type), ctx.log, ctx.signal);
    }
  }

  async switchTo(started: LocalStarted, ctx: StepContext): Promise<void> {
    const { release } = started;
    if (started.scale.web === undefined) {
      // A release without a web type leaves nothing to route: the router answers its "down" page.
      await this.deps.deployer.routeTo(release.app, []);
      return;
    }
    await this.deps.deployer.route(release.app, { containers: [...started.web], port: release.port });
    ctx.log(`-----> Routing ${this.deps.deployer.domainOf(release.app)} to ${plural(started.web.length, 'new web container')}`);
  }

  async retireOld(started: LocalStarted, ctx: StepContext): Promise<void> {
    const { deployer } = this.deps;
    const mine = new Set(started.containers.map((c) => c.id));
    const old = started.old.filter((c) => !mine.has(c.id));
    await deployer.retire(old.filter((c) => c.labels[LABEL.process] === 'web'), ctx.log);
    await deployer.retire(old.filter((c) => c.labels[LABEL.process] !== 'web'), ctx.log);
    // A deploy starts a stopped app (as dokku does): its containers now run.
    this.deps.setStopped(started.release.app, false);
  }

  async scale(release: ReleaseRecord, log: Log, options: DeployOptions = {}): Promise<number> {
    return (await converge(this.deps.deployer, release, { log, signal: options.signal })).started;
  }

  async restart(release: ReleaseRecord, types: readonly string[], log: Log, options: DeployOptions = {}): Promise<number> {
    return (await converge(this.deps.deployer, release, { log, signal: options.signal, replaceTypes: types })).started;
  }

  async stop(app: string, log: Log): Promise<void> {
    await this.deps.deployer.route(app);
    const containers = await this.deps.deployer.containersOf(app);
    log(`-----> Stopping ${app}: ${plural(containers.length, 'container')}`);
    await this.deps.deployer.retireAndWait(containers, log);
  }

  route(app: string): Promise<void> {
    return this.deps.deployer.route(app);
  }

  async logs(app: string, tail: number): Promise<string> {
    const out: string[] = [];
    for (const c of await this.deps.deployer.containersOf(app)) out.push(await this.deps.deployer.containerLogs(c.id, tail).catch(() => ''));
    return out.join('');
  }

  run(o: OneOffRun): Promise<number> {
    return this.deps.runOneOff(o);
  }

  runReleaseCommand(release: ReleaseRecord, log: Log): Promise<void> {
    return this.deps.deployer.runReleaseCommand(release, log);
  }

  async status(app: string, release: ReleaseRecord | null): Promise<SchedulerStatus> {
    const containers = (await this.deps.deployer.containersOf(app)).sort((a, b) => slotOf(a.name) - slotOf(b.name));
    const desired = release ? this.deps.deployer.scaleOf(app, release) : {};
    const types = new Set([...Object.keys(desired), ...containers.map((c) => c.labels[LABEL.process] ?? '?')]);
    return {
      scheduler: 'docker-local',
      processes: [...types].map((type) => {
        const mine = containers.filter((c) => c.labels[LABEL.process] === type);
        return {
          type,
          desired: this.deps.isStopped(app) ? 0 : desired[type] ?? 0,
          running: mine.filter((c) => c.state === 'running').length,
          instances: mine.map((c) => ({ name: c.name, node: null, state: c.state, address: c.ip })),
        };
      }),
    };
  }

  async retire(app: string, log: Log, o: { movedTo?: SchedulerName } = {}): Promise<void> {
    const { deployer } = this.deps;
    if (o.movedTo) {
      const local = await deployer.containersOf(app);
      if (local.length === 0) return;
      log(`-----> Retiring ${plural(local.length, 'local container')}: ${app} now runs on ${o.movedTo}`);
      await deployer.retireAndWait(local, log);
      return;
    }
    // Those being retired too: nothing of the app may stay (destroy, rename).
    await deployer.stopAll(app);
  }
}
