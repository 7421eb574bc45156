import type { Request } from 'express';
import { configFor, releaseFor } from '../secret-views';
import type { HttpServices } from '../http-services';
import { summarize } from './app-summaries';
import { integrations } from './integrations';
import { positiveInt } from '../request-body';
import { appResources } from './app-resources';
import { liveKey } from './live-key';
import { tabLinks, tabUrl, type AppTab } from './app-tabs';
import { metricsPanel } from './metrics-panel';
import { parseRange } from '../../metrics';

/**
 * What one tab of the app page shows, gathered through the domain services: the header's parts
 * (status, banner, crash card, the build a form queued) on every tab, the slower reads (container
 * stats, recent log lines, domains, services) only on the tab that shows them.
 */
export async function appPage(berth: HttpServices, req: Request, name: string, tab: AppTab = 'overview') {
  const info = berth.apps.info(name);
  const on = (...tabs: AppTab[]) => tabs.includes(tab);
  const containers = await berth.containers.of(name);
  // Commands as the user may see them: a compose file's ${VAR}s put config values in them.
  const stored = berth.releases.current(name);
  const current = stored ? releaseFor(berth, req.user!, stored) : null;
  // The page's status is the full report's (restart counts, crash lines); the overview's is the same word.
  const [report, listed] = await Promise.all([berth.processes.report(name), summarize(berth, info, containers)]);
  const summary = { ...listed, status: report.status };
  const processes = report.processes.map((p) => ({
    type: p.type,
    command: current?.processes[p.type] ?? '',
    wanted: p.desired,
    running: p.running,
    containers: p.containers,
  }));
  const builds = berth.builds.list(name, 15);
  const live = builds.find((b) => !berth.builds.isDone(b)) ?? null;
  // `?build=N` (after a form queued one) or else a build in progress is shown live.
  const wanted = positiveInt(req.query.build, 'build');
  const watch = wanted !== undefined ? berth.builds.get(name, wanted) : live;
  const config = Object.entries(configFor(berth, req.user!, name, berth.configVars.get(name))).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => ({ key, value }));
  const host = req.get('host') ?? `127.0.0.1:${berth.web.port}`;
  const extra = integrations(berth);
  const user = req.user!;
  return {
    app: info,
    tab,
    tabs: tabLinks(name, tab),
    here: tabUrl(name, tab),
    // Role-aware actions: a viewer (or a developer of other apps) is shown no form it may not post.
    canWrite: berth.access.can(user, 'write', name),
    canAdmin: berth.access.can(user, 'admin', name),
    summary,
    liveKey: liveKey([summary]),
    processes,
    releases: (() => {
      // Each release with how its deploy watch stands or ended (deploy-watch:*).
      const watches = new Map(berth.deployWatch.watches(name).map((w) => [w.version, w]));
      return berth.releases.listWithSnapshots(name).slice(0, 15).map((r) => ({ ...releaseFor(berth, req.user!, r), watch: watches.get(r.version) ?? null }));
    })(),
    builds,
    watch,
    watchDone: watch ? berth.builds.isDone(watch) : true,
    watchLog: watch ? berth.builds.storedLog(watch) : [],
    config,
    events: berth.events.list({ app: name, limit: 15 }),
    // berth's own address when it has one (BERTH_HOSTNAME), else the address this page was asked on.
    gitRemote: `git remote add paas ${berth.ownAddress.remotes(name)?.https ?? `${req.protocol}://${host}/git/${name}.git`}`,
    domains: on('domains') ? await extra.domains(name) : [],
    services: on('services') ? await extra.services(name, user) : { linked: [], plugins: [], linkable: [] },
    runtimeLogs: extra.hasRuntimeLogs,
    processStatus: report.status,
    // What applies to the app's containers (its own limit, else berth's default), not only what it set.
    limits: { memory: report.applied.memoryMb === null ? 'no limit' : `${report.applied.memoryMb} MiB`, cpus: report.applied.cpus === null ? 'no limit' : String(report.applied.cpus), memoryFrom: report.applied.memoryFrom, cpusFrom: report.applied.cpusFrom },
    crashing: report.crashing,
    crashes: report.crashes,
    failedDeploy: report.failedDeploy,
    domainControl: extra.hasDomainControl,
    recentLogs: on('logs') ? await extra.recentLogs(name) : [],
    resources: !on('metrics') ? [] : await appResources(berth, containers, new Map(report.processes.flatMap((p) => p.containers.map((c) => [c.id, c.memoryLimitMb ?? null] as const)))),
    // The charts' values over the range `?range=` asks for (the charts read the same from metrics.json).
    metrics: on('metrics') ? metricsPanel(berth.metricsHistory.history(name, parseRange(req.query.range), Date.now())) : null,
    // Panels plugins add: plain text, escaped by the view.
    pluginPanels: berth.services.plugins.appPanels(name),
  };
}
