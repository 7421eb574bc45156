import type { ContainerEngine, ContainerInfo } from '../ports/container-engine';
import type { ReleaseRecord, Store } from '../ports/store';
import { LABEL, slotOf, type Deployer } from '../deploys';
import { processTypes } from './formation';

export interface ContainerReport {
  readonly name: string;
  readonly id: string;
  readonly state: string;
  readonly release: number | null;
  readonly startedAt: string | null;
  readonly ip: string | null;
  /** Restarts by docker's restart policy since the container was created. */
  readonly restarts: number;
  /** Swarm tasks: the node it runs on (`ip` is then the `<node address>:<port>` the router uses). */
  readonly node?: string | null;
}

export interface ProcessReport {
  readonly type: string;
  readonly desired: number;
  readonly running: number;
  readonly containers: ContainerReport[];
}

export interface AppProcessReport {
  readonly app: string;
  /** Where the processes run: containers on this host, or tasks of swarm services. */
  readonly scheduler: 'docker-local' | 'swarm';
  /** `running`, `stopped` (ps:stop), `degraded` (fewer running than desired) or `not deployed`. */
  readonly status: 'running' | 'stopped' | 'degraded' | 'not deployed';
  readonly release: number | null;
  readonly restartPolicy: string;
  readonly memoryMb: number | null;
  readonly cpus: number | null;
  readonly processes: ProcessReport[];
  /** Containers of the live release that are crashing: down, being restarted, or restarted within the last minute. */
  readonly crashing: string[];
  /** `ps:set` retire-wait and stop-timeout in force, in seconds. */
  readonly retireWait: number;
  readonly stopTimeout: number;
  /**
   * Old containers being retired: unrouted and draining their open connections (`connections`,
   * counted now; null when not counted), or stopping (SIGTERM sent).
   */
  readonly draining: { name: string; phase: 'draining' | 'stopping'; since: string; connections: number | null }[];
}

/** A swarm app's tasks per process type (the swarm scheduler's status); null for a docker-local app. */
export type SwarmStatusOf = (app: string) => Promise<{
  readonly processes: readonly {
    readonly type: string; readonly desired: number;
    readonly instances: readonly { name: string; node: string | null; state: string; address: string | null; id?: string; release?: number | null }[];
  }[];
} | null>;

export interface ProcessReportDeps {
  readonly store: Store;
  readonly engine: ContainerEngine;
  readonly deployer: Deployer;
  readonly swarmStatusOf?: SwarmStatusOf;
}

/** What `ps:report` shows: per process type, desired vs running containers (or swarm tasks). */
export async function processReport(deps: ProcessReportDeps, app: string): Promise<AppProcessReport> {
  const record = deps.store.apps.get(app)!;
  const release = deps.store.releases.current(app);
  const stopped = deps.store.processState.isStopped(app);
  const swarm = await deps.swarmStatusOf?.(app);
  const { processes, crashing } = swarm ? swarmProcesses(swarm, release?.version) : await localProcesses(deps, app, release, stopped);
  const degraded = processes.some((p) => p.running < p.desired);
  const drain = deps.deployer.drainSettingsOf(app);
  const draining = (await deps.deployer.draining(app)).map((d) => ({ name: d.name, phase: d.phase, since: d.since, connections: d.connections }));
  return {
    app, scheduler: swarm ? 'swarm' : 'docker-local',
    status: !release ? 'not deployed' : stopped ? 'stopped' : degraded ? 'degraded' : 'running',
    release: release?.version ?? null, restartPolicy: record.restartPolicy, memoryMb: record.memoryMb, cpus: record.cpus,
    processes,
    crashing: stopped ? [] : crashing,
    retireWait: drain.retireWaitSeconds, stopTimeout: drain.stopTimeoutSeconds, draining,
  };
}

type Processes = { processes: ProcessReport[]; crashing: string[] };

/** The swarm scheduler's tasks as containers; failed or rejected tasks of the live release are crashing. */
function swarmProcesses(swarm: NonNullable<Awaited<ReturnType<SwarmStatusOf>>>, live: number | undefined): Processes {
  const processes = swarm.processes.map((p) => ({
    type: p.type,
    desired: p.desired,
    // As for containers: only the live release's running tasks count (a retiring service's do not).
    running: p.instances.filter((i) => i.state === 'running' && i.release === live).length,
    containers: p.instances.map((i): ContainerReport => ({
      name: i.name, id: (i.id ?? '').slice(0, 12), state: i.state, release: i.release ?? null, startedAt: null, ip: i.address, restarts: 0, node: i.node,
    })),
  }));
  const crashing = processes.flatMap((p) => p.containers).filter((c) => c.release === live && ['failed', 'rejected'].includes(c.state)).map((c) => c.name);
  return { processes, crashing };
}

async function localProcesses(deps: ProcessReportDeps, app: string, release: ReleaseRecord | null, stopped: boolean): Promise<Processes> {
  const listed = await deps.deployer.containersOf(app);
  // Inspect for the start time, which a list entry does not carry.
  const containers = (await Promise.all(listed.map((c) => deps.engine.inspectContainer(c.id).then((i) => i ?? c, () => c))));
  const desired = release ? deps.deployer.scaleOf(app, release) : {};
  const types = [...new Set([...(release ? processTypes(release) : []), ...containers.map((c) => c.labels[LABEL.process] ?? '?')])];
  const processes = types.map((type) => {
    const mine = containers.filter((c) => c.labels[LABEL.process] === type).sort((a, b) => slotOf(a.name) - slotOf(b.name));
    return {
      type,
      desired: stopped ? 0 : desired[type] ?? 0,
      running: mine.filter((c) => c.state === 'running' && c.labels[LABEL.release] === String(release?.version)).length,
      containers: mine.map(toReport),
    };
  });
  const live = containers.filter((c) => c.labels[LABEL.release] === String(release?.version));
  return { processes, crashing: live.filter((c) => isCrashing(c, Date.now())).map((c) => c.name) };
}

/** Down or restarting now, or restarted by docker within the last minute. */
export function isCrashing(c: ContainerInfo, now: number): boolean {
  if (c.state === 'restarting' || c.state === 'exited' || c.state === 'dead') return true;
  const started = c.startedAt ? Date.parse(c.startedAt) : NaN;
  return (c.restartCount ?? 0) > 0 && Number.isFinite(started) && now - started < 60_000;
}

function toReport(c: ContainerInfo): ContainerReport {
  const release = Number(c.labels[LABEL.release]);
  return { name: c.name, id: c.id.slice(0, 12), state: c.state, release: Number.isInteger(release) ? release : null, startedAt: c.startedAt ?? null, ip: c.ip, restarts: c.restartCount ?? 0 };
}
