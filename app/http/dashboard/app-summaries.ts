import type { HttpServices } from '../http-services';
import { LABEL } from '../../deploys';
import type { ContainerInfo } from '../../ports/container-engine';
import type { AppRecord, BuildRecord, UserRecord } from '../../ports/store';
import type { AppStatusWord } from '../../processes';
import { containersByApp } from '../app-statuses';

export interface AppSummary {
  readonly name: string;
  /** The one status word (app/processes/app-status.ts), as `ps:report` and the API say it. */
  readonly status: AppStatusWord;
  /** Running containers per process type, e.g. `{ web: 2, worker: 1 }`. */
  readonly processes: Readonly<Record<string, number>>;
  readonly release: number | null;
  readonly deployedAt: string | null;
  readonly url: string;
  readonly lastBuild: BuildRecord | null;
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

export async function summarize(berth: HttpServices, app: AppRecord, containers: readonly ContainerInfo[]): Promise<AppSummary> {
  const current = berth.releases.current(app.name);
  const lastBuild = berth.builds.list(app.name, 1)[0] ?? null;
  const processes = countByProcess(containers, current?.version ?? null);
  return {
    name: app.name,
    status: await berth.processes.statusFromListed(app.name, containers),
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
  return Promise.all(apps.map((a) => summarize(berth, a, byApp.get(a.name) ?? [])));
}
