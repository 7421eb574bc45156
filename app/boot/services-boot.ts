import path from 'node:path';
import { containerLimits, type Config } from '../config';
import type { EventsService } from '../events';
import { createServiceEngine } from '../infra/docker/service-engine';
import type { DockerClient } from '../infra/docker/docker-client';
import type { AppsReader } from '../apps';
import { tablesOf } from './store-tables';
import { PluginHost } from '../plugins';
import type { Store } from '../ports/store';
import type { ImageRegistry, SwarmEngine } from '../ports/swarm';
import { containerNameOf, SERVICE_LABEL, ServiceBackup, ServiceKit, ServiceLinks, SwarmRuntime, type Redeploy } from '../services-kit';
import { appNetworkName } from '../apps';
import { berthVersion } from '../version';

/** The project's root (dist/app/boot → ../../..): built-in plugins and package.json live there. */
const PROJECT_ROOT = path.resolve(__dirname, '../../..');
const DIST_ROOT = path.resolve(__dirname, '../..');

/**
 * Plugins and the service kit, wired once: called by createBerth. Plugins load here,
 * synchronously; refusals are kept for `plugins:list` and the start log.
 */
export function createPluginsAndServices(o: {
  config: Config; store: Store; events: EventsService; redeploy: Redeploy; log: (line: string) => void;
  /** The apps module's reads (AppsService): the service kit reads no apps table itself. */
  apps: AppsReader;
  /** The process's one dockerode client (createBerth). */
  docker: DockerClient;
  /** The swarm engine and berth's registry, for services on swarm; read at first use (they are made after this). */
  swarm: () => { engine: SwarmEngine; registry: ImageRegistry };
}) {
  const docker = createServiceEngine({ docker: o.docker, limits: containerLimits(o.config) });
  const plugins = new PluginHost({
    state: o.store.plugins,
    docker,
    berthVersion: berthVersion(),
    sources: { builtin: path.join(PROJECT_ROOT, 'plugins'), installed: path.join(o.config.home, 'plugins'), extra: o.config.pluginsPath },
    tree: { projectRoot: PROJECT_ROOT, distRoot: DIST_ROOT },
    log: o.log,
  });
  plugins.load();
  const swarm = new SwarmRuntime({
    get swarm() { return o.swarm().engine; },
    get registry() { return o.swarm().registry; },
    engine: docker, scope: `${o.config.network}-swarm`, readyTimeoutSeconds: 120,
  });
  // Each app has its own network (appNetworkName); a service joins those of the apps linked to it.
  const appNetworksOf = (plugin: string, name: string): string[] => o.store.services.linksOfService(plugin, name)
    .map((l) => o.store.apps.get(l.app)).filter((a) => a !== null).map((a) => appNetworkName(o.config.network, a.id));
  const kit = new ServiceKit({
    store: tablesOf(o.store, 'services'), engine: docker, events: o.events, catalog: plugins.catalog, network: o.config.network,
    defaultScheduler: o.config.scheduler, swarm, appNetworksOf,
  });
  const links = new ServiceLinks({ store: tablesOf(o.store, 'services'), apps: o.apps, kit, events: o.events, redeploy: o.redeploy });
  const backup = new ServiceBackup({ kit, events: o.events, scratch: { engine: docker, scope: o.config.network } });
  return {
    plugins, kit, links, backup,
    /** Env for an app's containers: plugins' `release:env`, then linked services' URLs. */
    envFor: (app: string): Record<string, string> => ({ ...plugins.hooks.releaseEnv(app), ...links.envFor(app) }),
    /** The containers of the docker-local services linked to an app: they join the app's network. */
    linkedContainers: {
      label: SERVICE_LABEL.plugin,
      containersOf: (app: string): string[] => o.store.services.linksOfApp(app)
        .map((l) => o.store.services.get(l.plugin, l.service)).filter((s) => s !== null && s.scheduler === 'docker-local')
        .map((s) => containerNameOf(s!.plugin, s!.name)),
    },
  };
}

export type PluginsAndServices = ReturnType<typeof createPluginsAndServices>;
