import type { HttpServices } from '../http-services';
import { LABEL } from '../../deploys';
import type { ContainerInfo } from '../../ports/container-engine';
import type { AppRecord, BuildRecord, UserRecord } from '../../ports/store';

export type AppStatus = 'running' | 'deploying' | 'failed' | 'stopped';

export interface AppSummary {
  readonly name: string;
  readonly status: AppStatus;
  /** Running containers per process type, e.g. `{ web: 2, worker: 1 }`. */
  readonly processes: Readonly<Record<string, number>>;
  readonly release: number | null;
  readonly deployedAt: string | null;
  readonly url: string;
  readonly lastBuild: BuildRecord | null;
}

const LIVE_BUILD = new Set(['queued', 'running']);

/**
 * One status word for an app: a queued or running build wins (deploying); then running
 * containers (running); then a last build that failed (failed); else stopped.
 */
export function statusOf(lastBuild: BuildRecord | null, running: number): AppStatus {
  if (lastBuild && LIVE_BUILD.has(lastBuild.status)) return 'deploying';
  if (running > 0) return 'running';
  if (lastBuild?.status === 'failed') return 'failed';
  return 'stopped';
}

/** Running containers per process type; with a release, only its own (old ones still draining are not counted). */
export function countByProcess(containers: readonly ContainerInfo[], release: number | null = null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of containers) {
    if (c.state !== 'running') continue;
    if (release !== null && c.labels[LABEL.release] !== String(release)) continue;
    const type = c.labels[LABEL.process] ?? '?';
    out[type] = (out[type] ?? 0) + 1;
  }
  return out;
}

/** Every berth container of this installation, grouped by app: one engine call for the whole page. */
export async function containersByApp(berth: HttpServices): Promise<Map<string, ContainerInfo[]>> {
  const all = await berth.containers.all();
  const byApp = new Map<string, ContainerInfo[]>();
  for (const c of all) {
    const app = c.labels[LABEL.app];
    if (!app) continue;
    byApp.set(app, [...(byApp.get(app) ?? []), c]);
  }
  return byApp;
}

export function summarize(berth: HttpServices, app: AppRecord, containers: readonly ContainerInfo[]): AppSummary {
  const current = berth.releases.current(app.name);
  const lastBuild = berth.builds.list(app.name, 1)[0] ?? null;
  const processes = countByProcess(containers, current?.version ?? null);
  const running = Object.values(processes).reduce((a, b) => a + b, 0);
  return {
    name: app.name,
    status: statusOf(lastBuild, running),
    processes,
    release: current?.version ?? null,
    deployedAt: current?.createdAt ?? null,
    url: berth.urlOf(app.name),
    lastBuild,
  };
}

/** The overview's rows, filtered by a substring of the name. */
/** `user`: a developer sees only the apps they collaborate on. */
export async function appSummaries(berth: HttpServices, filter: string, user?: UserRecord): Promise<AppSummary[]> {
  const needle = filter.trim().toLowerCase();
  const all = user ? berth.access.visibleApps(user, berth.apps.list()) : berth.apps.list();
  const apps = all.filter((a) => !needle || a.name.includes(needle));
  const byApp = apps.length ? await containersByApp(berth) : new Map<string, ContainerInfo[]>();
  return apps.map((a) => summarize(berth, a, byApp.get(a.name) ?? []));
}
