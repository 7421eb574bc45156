import os from 'node:os';
import { loadConfig, pathsFor, type Config, type Paths } from '../config';
import { BerthError } from '../errors';
import { RouterAgent } from '../domains';
import { createNginxRouter } from '../infra/nginx';
import { openRouteFeed } from '../infra/redis';
import { createDockerClient } from '../infra/docker/docker-client';
import { createSwarmEngine } from '../infra/docker/swarm-engine';

const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Docker's own bridges and veths: a manager's docker0 (172.17.0.1) is no address a client reaches. */
const DOCKER_INTERFACE = /^(docker|br-|veth)/;

/** The first IPv4 address of this host that is neither loopback nor Docker's: what a router's clients reach by default. */
function ownAddress(): string | null {
  for (const [name, list] of Object.entries(os.networkInterfaces())) {
    if (DOCKER_INTERFACE.test(name)) continue;
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

/**
 * `berth router-agent`: a router on a manager node (docs/swarm.md, "A router on each manager").
 * Only its nginx (in BERTH_HOME/nginx, on BERTH_ROUTER_PORT/BERTH_ROUTER_HTTPS_PORT) and the route
 * feed in berth's Redis: no database, no Docker but for asking which swarm node this is.
 */
export async function startRouterAgent(config: Config, paths: Paths, log: (line: string) => void): Promise<{ stop(): Promise<void> }> {
  if (!AGENT_NAME.test(config.routerAgentName)) {
    throw new BerthError('INVALID_CONFIG', `BERTH_ROUTER_AGENT_NAME=${config.routerAgentName} must be letters, digits, '.', '_' or '-' (at most 63).`);
  }
  const address = config.routerAgentAddress ?? ownAddress();
  if (address === null) throw new BerthError('INVALID_CONFIG', 'This host has no IPv4 address but loopback: set BERTH_ROUTER_AGENT_ADDRESS to the address clients reach this router on.');
  const nodeId = config.routerAgentNodeId ?? await createSwarmEngine({ docker: createDockerClient(config.dockerSocket) }).status().then((s) => s.nodeId, () => null);
  const nginx = createNginxRouter({
    dir: paths.nginx, nginxBin: config.nginxBin, httpPort: config.routerPort, httpsPort: config.routerHttpsPort, domain: config.domain,
  });
  await nginx.start();
  const { feed, close } = openRouteFeed({ url: config.redisUrl, prefix: config.redisPrefix, onError: (e) => log(`redis: ${e.message}`) });
  const agent = new RouterAgent({ feed, router: nginx, name: config.routerAgentName, nodeId, address });
  let said = '';
  agent.run(1000, (e) => {
    const why = e instanceof Error ? e.message : String(e);
    if (why !== said) log(`router agent: ${why}`); // once per distinct failure, not every second
    said = why;
  });
  log(`router agent ${config.routerAgentName} (${address}${nodeId ? `, node ${nodeId}` : ''}) following the route feed (prefix ${config.redisPrefix})`);
  return {
    stop: async () => {
      agent.stop();
      await close();
      await nginx.stop();
    },
  };
}

/** The `router-agent` process: berth's config from the environment, the agent, stopped by SIGTERM/SIGINT (main.ts and router-agent-main.ts). */
export async function runRouterAgentProcess(log: (line: string) => void): Promise<void> {
  // Everything it writes (nginx's config, TLS keys) is owner-only, as for berth.
  process.umask(0o077);
  const config = loadConfig();
  const agent = await startRouterAgent(config, pathsFor(config), log);
  const stop = (signal: string) => { log(`${signal}: stopping`); agent.stop().finally(() => process.exit(0)); };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
