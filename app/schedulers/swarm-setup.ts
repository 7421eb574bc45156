import type { SwarmInitView } from '../api-contract';
import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { ImageRegistry, SwarmEngine } from '../ports/swarm';
import { requireSwarm } from './require-swarm';

/** What `swarm:init` answers: the API contract's shape (app/api-contract/schedulers.ts). */
export type SwarmInitResult = SwarmInitView;

/** What `nodes:add` answers: the join command for the role, and the registry a node must trust. */
export interface SwarmAddNode extends Omit<SwarmInitResult, 'created'> {
  readonly role: 'worker' | 'manager';
}

/** Addresses or interface names docker accepts for --advertise-addr (no spaces, no shell, bounded). */
const ADDRESS = /^[A-Za-z0-9][A-Za-z0-9.:_%-]{0,99}$/;

/**
 * `berth swarm:init`: one command from a lone engine to a swarm berth can deploy to. Makes this
 * engine a swarm manager (unless it is one), starts berth's registry, and answers what a new node
 * runs to join. Idempotent: on an existing swarm it only starts the registry and reports.
 */
export class SwarmSetup {
  constructor(private readonly deps: { swarm: SwarmEngine; registry: ImageRegistry; registryAddr: string; events: EventsService }) {}

  async init(advertiseAddr: unknown, user: string | null): Promise<SwarmInitResult> {
    if (advertiseAddr !== undefined && advertiseAddr !== null && (typeof advertiseAddr !== 'string' || !ADDRESS.test(advertiseAddr))) {
      throw new BerthError('INVALID_INPUT', '"advertiseAddr" must be an IP address (or interface name) of this host, e.g. 10.0.0.5.');
    }
    const before = await this.deps.swarm.status();
    if (before.active && !before.manager) {
      throw new BerthError('SWARM_NOT_MANAGER', 'This Docker engine is a worker of another swarm: run berth on a manager, or `docker swarm leave` first.');
    }
    const created = !before.active;
    if (created) {
      await this.deps.swarm.init({ advertiseAddr: (advertiseAddr as string | undefined) || undefined });
      this.deps.events.record({ app: null, kind: 'swarm.changed', message: `swarm initialised${advertiseAddr ? ` (advertising ${advertiseAddr as string})` : ''}`, user });
    }
    return { created, ...await this.joinInstructions('worker') };
  }

  /**
   * `berth nodes:add`: what a new node runs to join (as a worker, or a manager) and what it needs
   * first: docker, and berth's registry CA so it can pull release images. Starts the registry if
   * it is not running (a node that joins must be able to pull).
   */
  async addNode(role: unknown): Promise<SwarmAddNode> {
    if (role !== undefined && role !== 'worker' && role !== 'manager') throw new BerthError('INVALID_INPUT', '"role" must be worker or manager.');
    await requireSwarm(this.deps.swarm);
    const r = (role as 'worker' | 'manager' | undefined) ?? 'worker';
    return { role: r, ...await this.joinInstructions(r) };
  }

  private async joinInstructions(role: 'worker' | 'manager'): Promise<Omit<SwarmInitResult, 'created'>> {
    const registry = await this.deps.registry.ensureRunning();
    const { workerToken, managerToken, managerAddr } = await this.deps.swarm.joinInfo();
    return {
      managerAddr, registry, registryCa: this.deps.registry.caFile ?? null,
      joinCommand: `docker swarm join --token ${role === 'manager' ? managerToken : workerToken} ${managerAddr}`,
      registryReachable: !/^(127\.|localhost$|::1$)/.test(this.deps.registryAddr),
    };
  }
}
