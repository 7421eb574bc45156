/** What berth asks of Docker to run its router agents as a swarm service (docs/swarm.md, "A router on each manager"). */
import type { SwarmTask } from './swarm';

export interface RouterServiceSpec {
  readonly name: string;
  /** The agent image as every node pulls it (berth's registry). */
  readonly image: string;
  /** The agent's environment; its name and node id are swarm's per-node templates, added by the engine. */
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  /** e.g. `node.labels.berth.router==true`, `node.id!=<berth's node>`. */
  readonly constraints: readonly string[];
}

export interface RouterFleetEngine {
  /** Builds `berth/router-agent:<version>-<hash>` here unless it exists; resolves to its local tag. */
  ensureImage(log: (line: string) => void): Promise<string>;
  /** Creates the global service, or updates it in place. */
  upsert(spec: RouterServiceSpec): Promise<void>;
  /** Removes the service; false when there was none. */
  remove(name: string): Promise<boolean>;
  tasks(name: string): Promise<SwarmTask[]>;
}
