import os from 'node:os';
import type { Config } from '../config';
import type { EventsService } from '../events';
import { drainConnector } from '../infra/log-drains/drain-connector';
import type { LogsService } from '../logs';
import { LogDrainer, LogDrainsService } from '../log-drains';
import type { Store } from '../ports/store';
import { tablesOf } from './store-tables';

/** berth's own listening ports: a drain on this host may not point at any of them. */
function ownPorts(config: Config, redisPort: number): Set<number> {
  return new Set([config.port, config.routerPort, config.routerHttpsPort, config.sshPort, config.registryPort, redisPort, 2375, 2376].filter((p) => p > 0));
}

/** The log drains: the forwarder (started by the web role) and the service behind logs:drain-*. */
export function logDrainsOf(o: { config: Config; redisPort: number; store: Store; logs: LogsService; events: EventsService; appNames: () => string[] }) {
  const tables = tablesOf(o.store, 'logDrains');
  const ports = ownPorts(o.config, o.redisPort);
  const logDrainer = new LogDrainer({
    store: tables.logDrains, logs: o.logs, appNames: o.appNames, ownPorts: ports, capacity: o.config.logDrainBuffer,
    connector: drainConnector({ hostname: o.config.hostname ?? os.hostname() }),
  });
  const logDrains = new LogDrainsService({
    store: tables.logDrains, drainer: logDrainer, ownPorts: ports,
    appExists: (app) => o.appNames().includes(app),
    record: (e) => o.events.record({ ...e, kind: 'logs.drains' }),
  });
  return { logDrainer, logDrains };
}
