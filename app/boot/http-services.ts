import { appNetworkName } from '../apps';
import { LABEL, runChecksNow } from '../deploys';
import type { HttpServices } from '../http/http-services';
import type { Berth } from './create-berth';
import { berthVersion, gitCommit } from '../version';
import { collectMetrics } from '../metrics';
import { ServerFile } from '../server-file';

/** Fills app/http's declared services from the composition root: domain services and narrow views, nothing below them. */
export function httpServicesOf(berth: Berth): HttpServices {
  const { config, engine, deployer, scheduling } = berth;
  return {
    users: berth.users, access: berth.access, loginLimiter: berth.loginLimiter, sessions: berth.sessions, events: berth.events,
    apps: berth.apps, appSettings: berth.appSettings, configVars: berth.configVars,
    builds: berth.builds, gitSync: berth.gitSync, webhooks: berth.webhooks, buildSettings: berth.buildSettings, checks: berth.checks, releases: berth.releases,
    deployWatch: { settings: berth.deployWatchSettings, watches: (app) => berth.deployWatch.list(app) }, processes: berth.processes,
    storage: berth.storage, logs: berth.logs, logDrains: berth.logDrains, oneOff: berth.oneOff, cron: berth.cron,
    oneOffs: { run: (o) => scheduling.for(o.app).run(o) },
    checksRun: (app, types) => runChecksNow({ deployer, release: berth.oneOff.currentRelease(app), types, swarm: scheduling.isSwarm(app) }),
    networkOf: (app) => appNetworkName(config.network, app.id),
    domains: berth.domains, routing: berth.routing, certs: berth.certs, letsencrypt: berth.letsencrypt,
    services: berth.services, schedulers: berth.schedulers, swarmSetup: berth.swarmSetup, swarmNodes: berth.swarmNodes, routers: berth.routers, routerFleet: berth.routerFleet, registryLogins: berth.registryLogins, notifications: berth.notifications, serviceBackups: berth.serviceBackups, berthBackup: berth.berthBackup, berthBackups: berth.berthBackups,
    statsSampler: berth.statsSampler, metricsHistory: berth.metricsHistory,
    disk: berth.disk, housekeeping: berth.housekeeping,
    containers: {
      of: (app) => deployer.containersOf(app),
      all: () => engine.listContainers({ labels: { [LABEL.scope]: config.network } }),
      stats: (id) => engine.stats(id),
    },
    metrics: () => collectMetrics({
      appNames: () => berth.apps.list().map((a) => a.name),
      report: (app) => berth.processes.report(app),
      containers: () => engine.listContainers({ labels: { [LABEL.scope]: config.network } }),
      samplesOf: (id) => berth.statsSampler.samplesOf(id),
      builds: () => berth.builds.metricsFacts(),
      requests: (app) => berth.metricsHistory.history(app, '1h', Date.now()).requests.total,
    }),
    pushGate: berth.pushGate,
    serverFile: new ServerFile({
      apps: berth.apps, appSettings: berth.appSettings, configVars: berth.configVars, releases: berth.releases, domains: berth.domains,
      routing: berth.routing, processes: berth.processes, checks: berth.checks, buildSettings: berth.buildSettings, storage: berth.storage, services: berth.services,
    }),
    urlOf: (app) => berth.urlOf(app),
    version: () => ({ version: berthVersion(), commit: gitCommit(), schema: berth.store.schemaVersion() }),
    ownAddress: berth.ownAddress,
    web: {
      cookieSecure: config.cookieSecure, behindOwnRouter: config.hostname !== null, routerHopSecret: berth.ownAddress.hopSecret(),
      sessionHours: config.sessionHours, port: config.port, snapshotsDir: berth.paths.snapshots,
    },
  };
}
