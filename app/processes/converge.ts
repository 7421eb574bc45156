import type { ContainerInfo } from '../ports/container-engine';
import type { ReleaseRecord } from '../ports/store';
import { LABEL, slotOf, type Deployer, type Log } from '../deploys';
import { stopFirstTypes } from '../compose';

export interface ConvergeOptions {
  readonly log: Log;
  readonly signal?: AbortSignal;
  /** Process types whose containers are all replaced (a restart); default none. */
  readonly replaceTypes?: readonly string[];
  /** Whether a container that is not running should be replaced; default yes. */
  readonly replaceDown?: (c: ContainerInfo) => boolean;
}

export interface ConvergeResult {
  readonly started: number;
  readonly removed: number;
}

const isUp = (c: ContainerInfo): boolean => c.state === 'running' || c.state === 'restarting';
const typeOf = (c: ContainerInfo): string => c.labels[LABEL.process] ?? '';
const bySlot = (a: ContainerInfo, b: ContainerInfo): number => slotOf(a.name) - slotOf(b.name);

/**
 * Brings the current release's containers to the app's formation without dropping a request:
 * new web containers start and pass their health check before the router points at them, and
 * surplus or replaced web containers are unrouted, then drain their open connections in the
 * background before they stop (Deployer.retire).
 */
export async function converge(deployer: Deployer, release: ReleaseRecord, o: ConvergeOptions): Promise<ConvergeResult> {
  const app = release.app;
  const desired = deployer.scaleOf(app, release);
  const mine = (await deployer.containersOf(app)).filter((c) => c.labels[LABEL.release] === String(release.version));
  const replaceDown = o.replaceDown ?? (() => true);
  const dead = mine.filter((c) => !isUp(c) && replaceDown(c));
  const present = mine.filter((c) => !dead.includes(c));
  if (dead.length > 0) o.log(`-----> Replacing ${dead.map((c) => `${c.name} (${c.state})`).join(', ')}`);
  await deployer.removeAll(dead);

  const plan = new Map<string, { start: number[]; stop: ContainerInfo[]; keep: ContainerInfo[] }>();
  const types = new Set([...Object.keys(desired), ...present.map(typeOf)]);
  for (const type of types) {
    const have = present.filter((c) => typeOf(c) === type).sort(bySlot);
    const want = desired[type] ?? 0;
    const replacing = o.replaceTypes?.includes(type) ?? false;
    const keep = replacing ? [] : have.slice(0, want);
    const stop = have.filter((c) => !keep.includes(c));
    const used = new Set(keep.map((c) => slotOf(c.name)));
    const start: number[] = [];
    for (let slot = 1; start.length < want - keep.length; slot++) if (!used.has(slot)) start.push(slot);
    plan.set(type, { start, stop, keep });
  }

  let started = 0;
  const web = plan.get('web');
  if (web && (web.start.length > 0 || web.stop.length > 0 || desired.web !== undefined)) {
    const fresh = await deployer.startContainers(release, 'web', { indices: web.start }, o.log);
    started += fresh.length;
    try {
      await deployer.checkHealth(release, 'web', fresh, o.log, o.signal);
    } catch (e) {
      await deployer.removeAll(fresh);
      throw e;
    }
    const serving = [...web.keep.filter((c) => c.state === 'running'), ...fresh];
    await deployer.route(app, { containers: serving, port: release.port });
    if (fresh.length > 0 || web.stop.length > 0) o.log(`-----> Routing to ${serving.length} web container${serving.length === 1 ? '' : 's'}`);
    // Unrouted now; they drain in the background (the job, like a push, reports the switch).
    await deployer.retire(web.stop, o.log);
  }
  const stopFirst = stopFirstTypes(release);
  for (const [type, p] of plan) {
    if (type === 'web') continue;
    // A compose service holding named volumes never runs twice on them (restart, replacement): the old stops first.
    const stopped = stopFirst.has(type) && p.start.length > 0 ? await deployer.stopFirst(p.stop, type, o.log) : [];
    const fresh = await deployer.startContainers(release, type, { indices: p.start }, o.log);
    started += fresh.length;
    try {
      await deployer.checkHealth(release, type, fresh, o.log, o.signal);
    } catch (e) {
      await deployer.removeAll(fresh);
      await deployer.restartAll(stopped);
      throw e;
    }
    await deployer.retire(p.stop, o.log);
  }
  const removed = dead.length + [...plan.values()].reduce((n, p) => n + p.stop.length, 0);
  return { started, removed };
}
