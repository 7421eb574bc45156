import { BerthError } from '../errors';
import type { SwarmEngine } from '../ports/swarm';

/** Throws SWARM_NOT_ACTIVE unless this engine manages an active swarm (what every swarm operation needs). */
export async function requireSwarm(swarm: Pick<SwarmEngine, 'status'>): Promise<void> {
  const s = await swarm.status();
  if (!s.active || !s.manager) throw new BerthError('SWARM_NOT_ACTIVE', 'This Docker engine is not a manager of an active swarm; run `berth swarm:init --advertise-addr <this host\'s private address>` first (docs/swarm.md).');
}
