import type { HttpServices } from './http-services';
import { LABEL } from '../deploys';
import type { ContainerInfo } from '../ports/container-engine';
import type { AppRecord } from '../ports/store';
import type { AppStatusWord } from '../processes';

/** Every berth container of this installation, grouped by app: one engine call for a whole list. */
export async function containersByApp(berth: Pick<HttpServices, 'containers'>): Promise<Map<string, ContainerInfo[]>> {
  const all = await berth.containers.all();
  const byApp = new Map<string, ContainerInfo[]>();
  for (const c of all) {
    const app = c.labels[LABEL.app];
    if (!app) continue;
    byApp.set(app, [...(byApp.get(app) ?? []), c]);
  }
  return byApp;
}

/** The status word of each app (`apps:list`, the overview): one container list, then per app its live release's. */
export async function statusesOf(berth: Pick<HttpServices, 'containers' | 'processes'>, apps: readonly AppRecord[]): Promise<Map<string, AppStatusWord>> {
  const byApp = apps.length ? await containersByApp(berth) : new Map<string, ContainerInfo[]>();
  const words = await Promise.all(apps.map((a) => berth.processes.statusFromListed(a.name, byApp.get(a.name) ?? [])));
  return new Map(apps.map((a, i) => [a.name, words[i]]));
}
