import type { EventsService } from '../events';
import type { LockService } from '../ports/lock';
import type { SwarmEngine, SwarmNode } from '../ports/swarm';
import type { SchedulerStatus } from '../deploys/scheduler';
import { unplaceable } from './swarm-tasks';
import { LABEL } from '../naming/container-names';

/** Labels berth's services-kit puts on a data service (app/services-kit/names.ts), read here without importing it. */
const SERVICE_PLUGIN_LABEL = 'berth.service.plugin';
const SERVICE_NAME_LABEL = 'berth.service.name';

export interface SwarmWatcherDeps {
  readonly swarm: SwarmEngine;
  readonly events: Pick<EventsService, 'record'>;
  readonly locks: LockService;
  /** Apps the swarm scheduler runs that have a live release. */
  readonly swarmApps: () => string[];
  /** Rewrites the app's upstreams from its running tasks (an unchanged set spares nginx a reload). */
  readonly reroute: (app: string) => Promise<void>;
  readonly statusOf: (app: string) => Promise<SchedulerStatus>;
  /** `berth.scope` of berth's swarm services (`<network>-swarm`): its data services (`--scheduler swarm`) among them. */
  readonly scope?: string;
  /** How often nodes are looked at (ms). Default 2000. */
  readonly intervalMs?: number;
  /** How long after a node changed every swarm app is re-routed each look (ms). Default 60 000. */
  readonly settleMs?: number;
  readonly now?: () => number;
}

/**
 * Follows the swarm's nodes (the worker role, every 2 s) so that losing one costs seconds, not the
 * reconcile interval: when a node goes down, comes back, joins or leaves, it records a
 * `swarm.changed` event, re-routes every swarm app once, then looks at their tasks each look for a
 * minute (while swarm reschedules the lost node's tasks) and for as long as a node is down,
 * re-routing only an app whose tasks changed (the router drops their addresses and adds the new ones). An app type swarm cannot place any more (its placement allows only
 * the lost node) is reported once per outage, with what to do, and again when it runs.
 */
export class SwarmWatcher {
  private timer: NodeJS.Timeout | null = null;
  private last: Map<string, SwarmNode> | null = null;
  private settleUntil = 0;
  /** App (or `service <plugin>/<name>`) → the problem last reported for it. */
  private readonly reported = new Map<string, string>();
  /** App → its tasks (`tasksKey`) when the watch last re-routed it: an app whose tasks did not change is not re-routed again. */
  private readonly routed = new Map<string, string>();
  private log: (line: string) => void = () => undefined;

  constructor(private readonly deps: SwarmWatcherDeps) {}

  private running = false;

  private now(): number { return this.deps.now?.() ?? Date.now(); }

  start(log: (line: string) => void): void {
    this.log = log;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const active = await this.look().catch((e: Error) => { this.log(`swarm watch: ${e.message}`); return true; });
      // Without a swarm, one `docker info` every 15 s notices swarm:init soon enough.
      await new Promise((r) => { this.timer = setTimeout(r, active ? this.deps.intervalMs ?? 2000 : 15_000); });
    }
  }

  /** One look: node changes become events; while settling (or a node is down) every swarm app is re-routed and checked. */
  async look(): Promise<boolean> {
    const status = await this.deps.swarm.status().catch(() => null);
    if (!status?.active || !status.manager) { this.last = null; return false; }
    const nodes = await this.deps.swarm.nodes();
    const changes = this.last === null ? [] : nodeChanges(this.last, nodes);
    for (const message of changes) {
      this.log(`swarm: ${message}`);
      this.deps.events.record({ app: null, kind: 'swarm.changed', message, user: null });
    }
    this.last = new Map(nodes.map((n) => [n.id, n]));
    if (changes.length > 0) {
      this.settleUntil = this.now() + (this.deps.settleMs ?? 60_000);
      // A node changed: every app is re-routed once, whatever the watch routed before.
      this.routed.clear();
    }
    if (this.now() >= this.settleUntil && nodes.every((n) => n.status === 'ready') && this.reported.size === 0) {
      this.routed.clear();
      return true;
    }
    const apps = this.deps.swarmApps();
    for (const app of this.routed.keys()) if (!apps.includes(app)) this.routed.delete(app);
    for (const app of apps) await this.checkApp(app);
    await this.checkServices(nodes).catch((e: Error) => this.log(`swarm watch services: ${e.message}`));
    return true;
  }

  /**
   * Data services on swarm (redis, postgres, … with `--scheduler swarm`) are pinned to the node
   * that holds their volume: one whose task swarm cannot place is down until that node is back.
   */
  private async checkServices(nodes: readonly SwarmNode[]): Promise<void> {
    if (!this.deps.scope) return;
    const down = nodes.filter((n) => n.status !== 'ready').map((n) => n.hostname);
    for (const svc of await this.deps.swarm.listServices({ [LABEL.scope]: this.deps.scope })) {
      const plugin = svc.labels[SERVICE_PLUGIN_LABEL];
      if (!plugin) continue;
      const key = `service ${plugin}/${svc.labels[SERVICE_NAME_LABEL] ?? svc.name}`;
      const tasks = await this.deps.swarm.tasks(svc.name);
      const stuck = !tasks.some((t) => t.desiredState === 'running' && t.state === 'running') && tasks.some(unplaceable);
      const problem = stuck
        ? `${key} is down: swarm cannot place its task (${(svc.constraints ?? []).join(', ') || 'no constraint'})${down.length > 0 ? `; down: ${down.join(', ')}` : ''}. Its data volume is on that node: bring the node back.`
        : '';
      this.report(key, null, problem, `${key} runs again`);
    }
  }

  /** Records `problem` once while it lasts, and `resolved` when it is gone. */
  private report(key: string, app: string | null, problem: string, resolved: string): void {
    const before = this.reported.get(key);
    if (problem && problem !== before) {
      this.reported.set(key, problem);
      this.deps.events.record({ app, kind: 'swarm.changed', message: problem, user: null });
    } else if (!problem && before) {
      this.reported.delete(key);
      this.deps.events.record({ app, kind: 'swarm.changed', message: resolved, user: null });
    }
  }

  /**
   * Looks at the app's tasks; re-routes it only when they changed since the watch last routed it
   * (a task started, stopped, moved or got another address). Each look used to re-route every
   * swarm app while a node was down: at hundreds of apps, a router change per app every 2 s for
   * nothing.
   */
  private async checkApp(app: string): Promise<void> {
    try {
      const status = await this.deps.statusOf(app);
      const key = tasksKey(status);
      if (this.routed.get(app) !== key) {
        // Under the app's queue lock, as the reconciler: never racing a deploy (which routes itself).
        // A busy lock: looked at again next time (nothing is remembered).
        const release = await this.deps.locks.tryAcquire(`app:${app}`);
        if (!release) return;
        try {
          await this.deps.reroute(app);
          this.routed.set(app, key);
        } finally {
          await release();
        }
      }
      const problems = status.processes.map((p) => p.problem).filter((p): p is string => !!p);
      this.report(app, app, problems.join(' '), 'every process type runs again');
    } catch (e) {
      this.log(`swarm watch ${app}: ${(e as Error).message}`);
    }
  }
}

/** An app's tasks as the router sees them: each one's process, slot, node, state, address and release; sorted. */
export function tasksKey(status: SchedulerStatus): string {
  return status.processes
    .flatMap((p) => [`${p.type} ${p.desired}`, ...p.instances.map((i) => `${p.type} ${i.name} ${i.id ?? ''} ${i.node ?? ''} ${i.state} ${i.address ?? ''} ${i.release ?? ''}`)])
    .sort().join('\n');
}

/** What changed between two looks at the nodes, one sentence each. */
export function nodeChanges(before: ReadonlyMap<string, SwarmNode>, after: readonly SwarmNode[]): string[] {
  const out: string[] = [];
  const name = (n: SwarmNode) => `${n.hostname} (${n.role}, ${n.addr})`;
  for (const n of after) {
    const was = before.get(n.id);
    if (!was) { out.push(`node ${name(n)} joined the swarm`); continue; }
    if (was.status !== n.status) {
      out.push(n.status === 'down'
        ? `node ${name(n)} is down: swarm runs its tasks on the other nodes; apps placed only on it are down until it is back`
        : n.status === 'ready' ? `node ${name(n)} is ready again: \`berth ps:rebalance <app>\` spreads an app's replicas over it` : `node ${name(n)} is ${n.status}`);
    }
    if (was.availability !== n.availability) out.push(`node ${name(n)} is now ${n.availability}`);
  }
  for (const [id, was] of before) if (!after.some((n) => n.id === id)) out.push(`node ${name(was)} left the swarm`);
  return out;
}
