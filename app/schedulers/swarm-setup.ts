import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { ImageRegistry, SwarmEngine } from '../ports/swarm';

export interface SwarmInitResult {
  /** False when this engine already managed a swarm (nothing was changed). */
  readonly created: boolean;
  /** This manager's `address:port`, which workers join. */
  readonly managerAddr: string;
  /** The command to run on a new node. */
  readonly joinCommand: string;
  /** berth's registry (`host:port`), which every node pulls release images from. */
  readonly registry: string;
  /** False when the registry listens on loopback only: other nodes cannot pull from it. */
  readonly registryReachable: boolean;
  /** The CA file (on this host) each node trusts for the registry, at /etc/docker/certs.d/<registry>/ca.crt. */
  readonly registryCa: string | null;
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
    const registry = await this.deps.registry.ensureRunning();
    const { workerToken, managerAddr } = await this.deps.swarm.joinInfo();
    return {
      created, managerAddr, registry, registryCa: this.deps.registry.caFile ?? null,
      joinCommand: `docker swarm join --token ${workerToken} ${managerAddr}`,
      registryReachable: !/^(127\.|localhost$|::1$)/.test(this.deps.registryAddr),
    };
  }
}
