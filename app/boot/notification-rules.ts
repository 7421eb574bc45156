import { lookup } from 'node:dns/promises';
import os from 'node:os';
import type { Config } from '../config';
import type { AddressRules } from '../notifications';

/**
 * berth's own listeners, which no notification target may name on this host: the API and
 * dashboard, SSH, the image registry, the router's ports and Redis (a webhook body there is a
 * request berth would make on a developer's behalf).
 */
export function notificationRules(config: Config, redisPort: number): AddressRules {
  const ports = [config.port, config.sshPort, config.registryPort, config.routerPort, config.routerHttpsPort, redisPort].filter((p) => p > 0);
  return {
    ownPorts: new Set(ports),
    localAddresses: () => Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)),
  };
}

/** Every address a name resolves to (all of them are checked). */
export async function resolveHost(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((a) => a.address);
}
