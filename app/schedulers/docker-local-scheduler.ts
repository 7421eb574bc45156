import type { ContainerInfo } from '../ports/container-engine';
import type { ReleaseRecord } from '../ports/store';
import { LABEL, slotOf, type Log } from '../deploys';
import type { OneOffRun } from '../one-off';
import type { DeployOptions, Scheduler, SchedulerStatus } from './scheduler';

/** The Deployer's own (un-dispatched) behaviour, which the docker-local scheduler wraps unchanged. */
export interface LocalDeployerCalls {
  deploy(release: ReleaseRecord, log: Log, options: DeployOptions): Promise<void>;
  converge(release: ReleaseRecord, log: Log, options: DeployOptions): Promise<void>;
  route(app: string): Promise<void>;
  containersOf(app: string): Promise<ContainerInfo[]>;
  retireAndWait(containers: ContainerInfo[], log: Log): Promise<void>;
  removeAll(containers: readonly ContainerInfo[]): Promise<void>;
  containerLogs(id: string, tail: number): Promise<string>;
  scaleOf(app: string, release: ReleaseRecord): Record<string, number>;
  isStopped(app: string): boolean;
  /** The OneOffRunner: a one-off container on this host's engine. */
  runOneOff(o: OneOffRun): Promise<number>;
}

/** Today's behaviour: containers on this host's engine, started, checked and swapped by the Deployer. */
export class DockerLocalScheduler implements Scheduler {
  readonly name = 'docker-local' as const;

  constructor(private readonly local: LocalDeployerCalls) {}

  deploy(release: ReleaseRecord, log: Log, options: DeployOptions = {}): Promise<void> {
    return this.local.deploy(release, log, options);
  }

  scale(release: ReleaseRecord, log: Log, options: DeployOptions = {}): Promise<void> {
    return this.local.converge(release, log, options);
  }

  async stop(app: string, log: Log): Promise<void> {
    await this.local.route(app);
    const containers = await this.local.containersOf(app);
    log(`-----> Stopping ${app}: ${containers.length} container${containers.length === 1 ? '' : 's'}`);
    await this.local.retireAndWait(containers, log);
  }

  route(app: string): Promise<void> {
    return this.local.route(app);
  }

  async logs(app: string, tail: number): Promise<string> {
    const out: string[] = [];
    for (const c of await this.local.containersOf(app)) out.push(await this.local.containerLogs(c.id, tail).catch(() => ''));
    return out.join('');
  }

  run(o: OneOffRun): Promise<number> {
    return this.local.runOneOff(o);
  }

  async status(app: string, release: ReleaseRecord | null): Promise<SchedulerStatus> {
    const containers = (await this.local.containersOf(app)).sort((a, b) => slotOf(a.name) - slotOf(b.name));
    const desired = release ? this.local.scaleOf(app, release) : {};
    const types = new Set([...Object.keys(desired), ...containers.map((c) => c.labels[LABEL.process] ?? '?')]);
    return {
      scheduler: 'docker-local',
      processes: [...types].map((type) => {
        const mine = containers.filter((c) => c.labels[LABEL.process] === type);
        return {
          type,
          desired: this.local.isStopped(app) ? 0 : desired[type] ?? 0,
          running: mine.filter((c) => c.state === 'running').length,
          instances: mine.map((c) => ({ name: c.name, node: null, state: c.state, address: c.ip })),
        };
      }),
    };
  }

  async retire(app: string, log: Log): Promise<void> {
    const containers = await this.local.containersOf(app);
    if (containers.length > 0) log(`-----> Removing ${containers.length} local container${containers.length === 1 ? '' : 's'} of ${app}`);
    await this.local.removeAll(containers);
  }
}
