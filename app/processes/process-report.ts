import type { ContainerEngine, ContainerInfo } from '../ports/container-engine';
import type { AppliedLimits, AppProcessReport, ContainerReport, ProcessReport } from '../api-contract';

export type { AppProcessReport, ContainerReport, ProcessReport };
import type { BuildRecord, ReleaseRecord, Store } from '../ports/store';
import type { AppsReader } from '../apps/apps-reader';
import type { ReleasesReader } from '../releases/releases-reader';
import { LABEL, slotOf, type Deployer } from '../deploys';
import { processTypes } from './formation';
import { failedDeployView, statusWord, type AppStatusWord, type CrashReport, type FailedDeploy } from './app-status';

/** The limits an app's containers get (the API contract's shape): its own, else berth's default, else none (null). */
export type { AppliedLimits };

/** What applies to containers started now: the app's setting, else BERTH_DEFAULT_MEMORY/CPUS (0 = none), as withDefaultLimits does. */
export function appliedLimits(record: { memoryMb: number | null; cpus: number | null }, defaults: { memoryMb: number; cpus: number } | undefined): AppliedLimits {
  const pick = (own: number | null, dflt: number | undefined) =>
    own !== null ? { v: own, from: 'app' as const } : dflt ? { v: dflt, from: 'default' as const } : { v: null, from: 'none' as const };
  const m = pick(record.memoryMb, defaults?.memoryMb);
  const c = pick(record.cpus, defaults?.cpus);
  return { memoryMb: m.v, cpus: c.v, memoryFrom: m.from, cpusFrom: c.from };
}

/** A swarm app's tasks per process type (the swarm scheduler's status); null for a docker-local app. */
export type SwarmStatusOf = (app: string) => Promise<{
  readonly processes: readonly {
    readonly type: string; readonly desired: number;
    readonly instances: readonly { name: string; node: string | null; state: string; address: string | null; id?: string; release?: number | null }[];
    /** Why the type is down and what to do (tasks swarm cannot place). */
    readonly problem?: string | null;
  }[];
} | null>;

export interface ProcessReportDeps {
  /** The processes module's own stopped marks; the app, its live release and its builds through their owners. */
  readonly store: Pick<Store, 'processState'>;
  readonly apps: AppsReader;
  readonly releases: Pick<ReleasesReader, 'current'>;
  readonly builds: { list(app: string, limit: number): BuildRecord[] };
  readonly engine: ContainerEngine;
  readonly deployer: Deployer;
  readonly swarmStatusOf?: SwarmStatusOf;
  readonly defaultLimits?: { readonly memoryMb: number; readonly cpus: number };
}

/** Lines of output a crash report carries, and how far back a crash's exit code is looked for. */
const CRASH_LINES = 10;
const EXIT_WITHIN_SECONDS = 600;

/** What `ps:report` shows: per process type, desired vs running containers (or swarm tasks). */
export async function processReport(deps: ProcessReportDeps, app: string): Promise<AppProcessReport> {
  const record = deps.apps.find(app)!;
  const release = deps.releases.current(app);
  const stopped = deps.store.processState.isStopped(app);
  const swarm = await deps.swarmStatusOf?.(app);
  const { processes, crashing } = swarm ? swarmProcesses(swarm, release?.version) : await localProcesses(deps, app, release, stopped);
  const degraded = processes.some((p) => p.running < p.desired);
  const drain = deps.deployer.drainSettingsOf(app);
  const draining = (await deps.deployer.draining(app)).map((d) => ({ name: d.name, phase: d.phase, since: d.since, connections: d.connections }));
  const builds = deps.builds.list(app, 20);
  const down = stopped ? [] : crashing;
  return {
    app, scheduler: swarm ? 'swarm' : 'docker-local',
    status: statusWord({ release: release?.version ?? null, stopped, builds, crashing: down.length, degraded }),
    release: release?.version ?? null, restartPolicy: record.restartPolicy, memoryMb: record.memoryMb, cpus: record.cpus,
    applied: appliedLimits(record, deps.defaultLimits),
    processes,
    crashing: down,
    crashes: await crashReports(deps, processes, down),
    failedDeploy: failedDeployView(builds),
    retireWait: drain.retireWaitSeconds, stopTimeout: drain.stopTimeoutSeconds, draining,
  };
}

type Processes = { processes: ProcessReport[]; crashing: string[] };

/** Per crashing container: its last exit code (docker's events when inspect no longer has it) and last lines. */
async function crashReports(deps: ProcessReportDeps, processes: readonly ProcessReport[], names: readonly string[]): Promise<CrashReport[]> {
  const all = processes.flatMap((p) => p.containers.map((c) => ({ ...c, process: p.type })));
  return Promise.all(names.map(async (name) => {
    const c = all.find((x) => x.name === name)!;
    // A running (restarted) container's inspect says 0; an exited or restarting one still holds its code.
    const exitCode = c.state === 'running' || c.exitCode === null
      ? await deps.engine.lastExitCode?.(c.name, EXIT_WITHIN_SECONDS).catch(() => null) ?? (c.state === 'running' ? null : c.exitCode)
      : c.exitCode;
    // Its own docker log spans its runs, so the lines before the last exit are there.
    const lastLines = (await deps.engine.containerLogs(name, CRASH_LINES).catch(() => '')).split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-CRASH_LINES);
    return { container: name, process: c.process, state: c.state, exitCode, restarts: c.restarts, lastLines };
  }));
}

/** The swarm scheduler's tasks as containers; failed or rejected tasks of the live release are crashing. */
function swarmProcesses(swarm: NonNullable<Awaited<ReturnType<SwarmStatusOf>>>, live: number | undefined): Processes {
  const processes = swarm.processes.map((p) => ({
    type: p.type,
    desired: p.desired,
    ...(p.problem ? { problem: p.problem } : {}),
    // As for containers: only the live release's running tasks count (a retiring service's do not).
    running: p.instances.filter((i) => i.state === 'running' && i.release === live).length,
    containers: p.instances.map((i): ContainerReport => ({
      name: i.name, id: (i.id ?? '').slice(0, 12), state: i.state, release: i.release ?? null, startedAt: null, ip: i.address, restarts: 0, exitCode: null, node: i.node,
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
  return { name: c.name, id: c.id.slice(0, 12), state: c.state, release: Number.isInteger(release) ? release : null, startedAt: c.startedAt ?? null, ip: c.ip, restarts: c.restartCount ?? 0, exitCode: c.exitCode ?? null,
    memoryLimitMb: c.memoryLimitBytes ? c.memoryLimitBytes / 1024 / 1024 : null };
}

/**
 * The status word alone, from containers the caller listed already (the overview lists every app's
 * at once): only the live release's are inspected (restart counts), no logs are read.
 */
export async function statusFromListed(deps: ProcessReportDeps, app: string, listed: readonly ContainerInfo[]): Promise<AppStatusWord> {
  const release = deps.releases.current(app);
  if (release && deps.swarmStatusOf && (await deps.swarmStatusOf(app)) !== null) return (await processReport(deps, app)).status;
  const stopped = deps.store.processState.isStopped(app);
  const builds = deps.builds.list(app, 20);
  const live = release ? listed.filter((c) => c.labels[LABEL.release] === String(release.version)) : [];
  // Only a container up for under a minute can have been restarted within the last minute (isCrashing):
  // the others need no inspect, so the overview stays one list call in the steady state.
  const recent = (c: ContainerInfo) => c.state === 'running' && (c.upForSeconds === undefined || c.upForSeconds < 60);
  const inspected = await Promise.all(live.map((c) => (recent(c) ? deps.engine.inspectContainer(c.id).then((i) => i ?? c, () => c) : Promise.resolve(c))));
  const desired = release ? deps.deployer.scaleOf(app, release) : {};
  const degraded = Object.entries(desired).some(([type, n]) => inspected.filter((c) => c.state === 'running' && c.labels[LABEL.process] === type).length < n);
  const crashing = stopped ? 0 : inspected.filter((c) => isCrashing(c, Date.now())).length;
  return statusWord({ release: release?.version ?? null, stopped, builds, crashing, degraded });
}
