import { BerthError } from '../errors';
import type { EventsService } from '../events';
import { LABEL, type Log } from '../deploys';
import type { SwarmEngine, SwarmNode, SwarmServiceInfo } from '../ports/swarm';
import { requireSwarm } from './require-swarm';
import { unplaceable } from './swarm-tasks';
import { nodeMeets } from './placement';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface SwarmNodeOpsDeps {
  readonly swarm: SwarmEngine;
  readonly events: EventsService;
  /** The berth network name: berth's services carry `berth.scope=<network>-swarm`. */
  readonly network: string;
  /** Rewrites the app's upstreams from its running tasks (the swarm scheduler's route). */
  readonly reroute: (app: string) => Promise<void>;
  /** Seconds a drain may take before it gives up (the node stays drained). Default 300. */
  readonly drainSeconds?: number;
  /** Poll interval while tasks move (ms). Default 1000. */
  readonly pollMs?: number;
}

/** One berth service that had running tasks on the node being drained. */
interface Moving { service: SwarmServiceInfo; app: string | null; done: boolean }

/**
 * `nodes:drain` and `nodes:remove`: work leaves a node before it goes. Draining tells swarm to move
 * the node's tasks; berth then waits until every berth service that ran there has all its replicas
 * running on other nodes, saying so service by service, and points the apps' routes at the new
 * tasks. A task swarm cannot place elsewhere (placement pinned to this node, no room) stops the
 * drain with the apps and what to do. Removing drains first, then takes the node out of the swarm.
 */
export class SwarmNodeOps {
  constructor(private readonly deps: SwarmNodeOpsDeps) {}

  /** The node, after checking there is a swarm to find it in (errors before any progress is streamed). */
  async find(node: string): Promise<SwarmNode> {
    await requireSwarm(this.deps.swarm);
    return this.deps.swarm.findNode(node);
  }

  /** Checks what `remove` refuses, before it starts: the manager berth runs on, and managers (demote first). */
  async checkRemovable(node: string): Promise<SwarmNode> {
    const target = await this.find(node);
    const self = (await this.deps.swarm.status()).nodeId;
    if (target.id === self) throw new BerthError('NODE_IS_MANAGER', `${target.hostname} is the manager berth runs on; it cannot be removed from its own swarm.`);
    if (target.role === 'manager') throw new BerthError('NODE_IS_MANAGER', `${target.hostname} is a manager: demote it first (\`docker node demote ${target.hostname}\` on a manager), then remove it.`);
    return target;
  }

  /**
   * The node, once it is clear that every berth service on it can run on another node that is up
   * and takes work: a service whose placement only this node meets stops the drain before anything
   * changed (draining would leave it down).
   */
  async checkDrainable(node: string): Promise<SwarmNode> {
    const target = await this.find(node);
    const others = (await this.deps.swarm.nodes()).filter((n) => n.id !== target.id && n.status === 'ready' && n.availability === 'active');
    const stranded = (await this.runningOn(target.id)).filter((m) => !others.some((n) => nodeMeets(n, m.service.constraints ?? [])));
    if (stranded.length > 0) {
      const which = stranded.map((m) => `${m.app ?? m.service.name} (${(m.service.constraints ?? []).join(', ') || 'no other node is up'})`).join('; ');
      throw new BerthError('NODE_DRAIN_BLOCKED', `${target.hostname} was not drained: no other node that is up meets the placement of ${which}. \`berth ps:set <app> placement none\` (or label another node), then drain again.`);
    }
    return target;
  }

  async drain(node: string, log: Log, user: string | null): Promise<void> {
    const target = await this.checkDrainable(node);
    const moving = await this.runningOn(target.id);
    log(`-----> Draining ${target.hostname}: swarm moves the tasks of ${plural(moving.length, 'berth service')} to the other nodes`);
    await this.deps.swarm.setNodeAvailability(target.id, 'drain');
    this.deps.events.record({ app: null, kind: 'swarm.changed', message: `node ${target.hostname} drained`, user });
    await this.waitMoved(target, moving, log);
    log(`-----> ${target.hostname} runs no berth task; it stays drained (\`docker node update --availability active ${target.hostname}\` takes work again)`);
  }

  async remove(node: string, log: Log, user: string | null): Promise<void> {
    const target = await this.checkRemovable(node);
    await this.drain(target.id, log, user);
    const now = await this.deps.swarm.findNode(target.id);
    const up = now.status !== 'down';
    log(`-----> Removing ${target.hostname} from the swarm${up ? ' (it is still up: removed by force)' : ''}`);
    await this.deps.swarm.removeNode(target.id, up);
    this.deps.events.record({ app: null, kind: 'swarm.changed', message: `node ${target.hostname} removed`, user });
    if (up) log(`       On ${target.hostname}, run \`docker swarm leave --force\` so its engine forgets the swarm.`);
  }

  /** berth's services with a task meant to run on the node. */
  private async runningOn(nodeId: string): Promise<Moving[]> {
    const tasks = await this.deps.swarm.nodeTasks(nodeId);
    const ids = new Set(tasks.filter((t) => t.desiredState === 'running').map((t) => t.serviceId));
    const services = await this.deps.swarm.listServices({ [LABEL.scope]: `${this.deps.network}-swarm` });
    return services.filter((s) => ids.has(s.id)).map((service) => ({ service, app: service.labels[LABEL.app] ?? null, done: false }));
  }

  /** Polls until every moving service has all its replicas running off the node; progress per service. */
  private async waitMoved(target: SwarmNode, moving: Moving[], log: Log): Promise<void> {
    const deadline = Date.now() + (this.deps.drainSeconds ?? 300) * 1000;
    let stuckSince: number | null = null;
    for (;;) {
      const stuck: string[] = [];
      for (const m of moving.filter((x) => !x.done)) {
        const tasks = (await this.deps.swarm.tasks(m.service.name)).filter((t) => t.desiredState === 'running');
        const elsewhere = tasks.filter((t) => t.nodeId !== target.id && t.state === 'running').length;
        if (elsewhere >= m.service.replicas) {
          m.done = true;
          log(`       ${m.service.name}: ${elsewhere} of ${m.service.replicas} running on other nodes`);
          if (m.app) await this.deps.reroute(m.app).catch((e: Error) => log(`       routing ${m.app}: ${e.message}`));
          continue;
        }
        const stuckTask = tasks.find(unplaceable);
        if (stuckTask) stuck.push(`${m.app ?? m.service.name} (${m.service.name}: ${stuckTask.error ?? stuckTask.message})`);
      }
      if (moving.every((m) => m.done)) return;
      // Swarm says "no suitable node" for a moment while it places; twice, 5 s apart, it means it.
      if (stuck.length > 0) {
        stuckSince ??= Date.now();
        if (Date.now() - stuckSince >= 5000) {
          throw new BerthError('NODE_DRAIN_BLOCKED', `${target.hostname} is drained, but swarm cannot place these elsewhere: ${stuck.join('; ')}. Their placement allows no other node (or no other node has room): \`berth ps:set <app> placement none\` (or label another node), then drain again.`);
        }
      } else stuckSince = null;
      if (Date.now() > deadline) {
        const left = moving.filter((m) => !m.done).map((m) => m.service.name);
        throw new BerthError('NODE_DRAIN_BLOCKED', `${target.hostname} is drained, but after ${this.deps.drainSeconds ?? 300} s these still do not run elsewhere: ${left.join(', ')}. \`berth ps:report <app>\` says why; drain again to keep waiting.`);
      }
      await sleep(this.deps.pollMs ?? 1000);
    }
  }
}
