import { BerthError } from '../errors';
import type { EventsService } from '../events';
import type { RouterFleetEngine } from '../ports/router-fleet';
import type { ImageRegistry, SwarmEngine } from '../ports/swarm';

/** The swarm service that runs a router agent on each labelled node. */
export const ROUTER_SERVICE = 'berth-router';
/** The node label that asks for a router agent there: `berth nodes:label <node> berth.router=true`. */
export const ROUTER_LABEL = 'berth.router';

export interface RouterFleetDeps {
  readonly swarm: SwarmEngine;
  readonly registry: ImageRegistry;
  readonly engine: RouterFleetEngine;
  readonly events: EventsService;
  /** BERTH_ROUTER_FEED: the agents have nothing to follow without it. */
  readonly feedOn: boolean;
  /** The Redis URL the agents use (BERTH_ROUTER_REDIS_URL, else REDIS_URL): password included, never shown. */
  readonly agentRedisUrl: string;
  readonly redisPrefix: string;
  readonly domain: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  /** BERTH_REGISTRY_ADDR: where the nodes pull the agent image from. */
  readonly registryAddr: string;
}

export interface RouterFleetDeployed {
  readonly service: string;
  readonly image: string;
  readonly constraints: readonly string[];
}

const LOOPBACK = /^(127\.|localhost$|\[?::1\]?$)/;

/**
 * `berth router:deploy` / `router:remove`: berth runs its router agents itself, as the global swarm
 * service `berth-router` on the nodes labelled berth.router=true (never on berth's own node, whose
 * nginx is berth's). Its image is built here from berth's own files and pushed to berth's registry,
 * which every node pulls from.
 */
export class RouterFleet {
  constructor(private readonly d: RouterFleetDeps) {}

  /** The refusals, before any progress is streamed. */
  async check(): Promise<void> {
    if (!this.d.feedOn) throw new BerthError('ROUTER_FEED_OFF', 'The route feed is off (BERTH_ROUTER_FEED): the router agents would have no routes to serve.');
    const status = await this.d.swarm.status();
    if (!status.active || !status.manager) throw new BerthError('SWARM_NOT_ACTIVE', 'The router agents run as a swarm service: this engine is not a swarm manager. Run `berth swarm:init` first.');
    let host: string;
    try {
      host = new URL(this.d.agentRedisUrl).hostname;
    } catch {
      throw new BerthError('INVALID_CONFIG', 'BERTH_ROUTER_REDIS_URL (or REDIS_URL) is not a URL: redis://:<password>@<address>:<port>.');
    }
    if (LOOPBACK.test(host)) {
      throw new BerthError('ROUTER_REDIS_LOOPBACK', `The router agents would reach berth's Redis at ${host}, which is loopback: from another node that is the node itself. Set BERTH_ROUTER_REDIS_URL to berth's Redis as the other nodes reach it (bound to the swarm's private address, with requirepass).`);
    }
  }

  async deploy(log: (line: string) => void, user: string | null): Promise<RouterFleetDeployed> {
    await this.check();
    const self = (await this.d.swarm.status()).nodeId;
    const local = await this.d.engine.ensureImage((line) => log(`       ${line}`));
    log(`-----> Pushing ${local} to berth's registry`);
    const image = await this.d.registry.push(local, (line) => log(`       ${line}`));
    const constraints = [`node.labels.${ROUTER_LABEL}==true`, ...(self ? [`node.id!=${self}`] : [])];
    await this.d.engine.upsert({
      name: ROUTER_SERVICE, image, constraints, labels: { 'berth.router-agent': 'true' },
      env: {
        REDIS_URL: this.d.agentRedisUrl, BERTH_REDIS_PREFIX: this.d.redisPrefix, BERTH_DOMAIN: this.d.domain,
        BERTH_ROUTER_PORT: String(this.d.httpPort), BERTH_ROUTER_HTTPS_PORT: String(this.d.httpsPort),
      },
    });
    log(`-----> ${ROUTER_SERVICE} runs a router agent on every node labelled ${ROUTER_LABEL}=true but this one (\`berth nodes:label <node> ${ROUTER_LABEL}=true\`); \`berth router:report\` shows them`);
    const labelled = (await this.d.swarm.nodes()).filter((n) => n.id !== self && n.labels[ROUTER_LABEL] === 'true').map((n) => n.hostname).sort();
    log(labelled.length > 0 ? `       Labelled: ${labelled.join(', ')}`
      : `       No node is labelled yet: \`berth nodes:label <node> ${ROUTER_LABEL}=true\` on each node with a public address starts its agent`);
    if (LOOPBACK.test(this.d.registryAddr)) {
      log(`       berth's registry listens on ${this.d.registryAddr} (BERTH_REGISTRY_ADDR): a node pulls the agent image only if its own ${this.d.registryAddr} reaches it; set BERTH_REGISTRY_ADDR to this host's private address (docs/swarm.md)`);
    }
    this.d.events.record({ app: null, kind: 'swarm.changed', message: `router agents deployed (${image.replace(/^.*\//, '')})`, user });
    return { service: ROUTER_SERVICE, image, constraints };
  }

  /** Removes the service: swarm stops every agent (and its nginx). Their last reports stay until `router:forget`. */
  async remove(user: string | null): Promise<boolean> {
    const status = await this.d.swarm.status();
    if (!status.active || !status.manager) throw new BerthError('SWARM_NOT_ACTIVE', 'This engine is not a swarm manager: there is no router service to remove.');
    const existed = await this.d.engine.remove(ROUTER_SERVICE);
    if (existed) this.d.events.record({ app: null, kind: 'swarm.changed', message: 'router agents removed', user });
    return existed;
  }
}
