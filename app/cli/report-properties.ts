import { appPath } from './api-client';
import type { AppDetail, AppDomainsResponse, MountsResponse, PortsReport, ProcessReportResponse, AppResponse, NginxResponse, SchedulerReportResponse, CertResponse, ServiceResponse } from './api-types';
import type { Verb, VerbContext, VerbGroup } from './types';

/**
 * dokku's report properties (`dokku ps:report app --deployed`), by the berth verb that reports
 * them, named as dokku's docs name them. Values print as dokku prints them: words joined by
 * spaces, booleans as true/false.
 */
type Properties = (ctx: VerbContext) => Promise<Record<string, string>>;

const get = <T>(ctx: VerbContext, rest: string) => ctx.api().get<T>(appPath(ctx.arg('app'), rest));
const words = (list: readonly string[]) => list.join(' ');

const REPORTS: Readonly<Record<string, Properties>> = {
  'apps:info': async (ctx) => {
    const { app } = await get<AppResponse>(ctx, '');
    return {
      'app-created-at': app.createdAt,
      'app-deploy-branch': app.deployBranch,
      'app-deployed': String(app.currentRelease !== null && app.currentRelease !== undefined),
      'app-locked': String(app.locked === true),
      'app-url': app.url ?? '',
      'git-deploy-branch': app.deployBranch,
      'builder-selected': app.builder ?? '',
    };
  },
  'domains:report': async (ctx) => {
    const { domains: d } = await get<AppDomainsResponse>(ctx, '/domains');
    return {
      'domains-app-enabled': 'true',
      'domains-app-vhosts': words([d.defaultDomain, ...d.customDomains].filter(Boolean)),
      'domains-global-enabled': String(d.globalDomains.length > 0),
      'domains-global-vhosts': words(d.globalDomains),
    };
  },
  'ports:report': async (ctx) => {
    const { ports } = await get<Pick<PortsReport, 'ports'>>(ctx, '/ports');
    const json = ports.map((p) => { const [scheme, host, container] = p.split(':'); return { scheme, host_port: Number(host), container_port: Number(container) }; });
    return { 'ports-map': words(ports), 'ports-map-json': JSON.stringify(json) };
  },
  'ps:report': async (ctx) => {
    const { report: r } = await get<ProcessReportResponse>(ctx, '/ps');
    const containers = r.processes.flatMap((p) => p.containers.map((c, i) => [`status-${p.type}-${i + 1}`, c.state] as const));
    return {
      deployed: String(r.release !== null),
      processes: String(r.processes.reduce((n, p) => n + p.containers.length, 0)),
      'ps-can-scale': 'true',
      'ps-restart-policy': r.restartPolicy,
      running: String(r.processes.some((p) => p.running > 0) && r.processes.every((p) => p.running === p.desired)),
      ...Object.fromEntries(containers),
    };
  },
  'storage:list': async (ctx) => {
    const { mounts } = await get<MountsResponse>(ctx, '/storage');
    const v = words(mounts.map((m) => `-v ${m.source}:${m.target}`));
    return { 'storage-build-mounts': '', 'storage-deploy-mounts': v, 'storage-run-mounts': v };
  },
  'nginx:report': async (ctx) => {
    const { nginx } = await get<NginxResponse>(ctx, '/nginx');
    return Object.fromEntries(Object.keys(nginx.known).map((k) => [`nginx-${k}`, nginx.settings[k] ?? nginx.known[k]]));
  },
  'scheduler:report': async (ctx) => {
    const { scheduler: s } = await get<SchedulerReportResponse>(ctx, '/scheduler');
    return { 'scheduler-selected': s.setting ?? '', 'scheduler-computed-selected': s.scheduler };
  },
  'certs:report': async (ctx) => {
    const { cert } = await get<CertResponse>(ctx, '/certs');
    return {
      'ssl-enabled': String(cert !== null),
      'ssl-hostnames': cert ? words(cert.domains) : '',
      'ssl-expires-at': cert?.notAfter ?? '',
      'ssl-subject': cert?.subject ?? '',
      'ssl-issuer': cert?.issuer ?? '',
    };
  },
  '<service>:info': async (ctx) => {
    const typed = ctx.invokedAs ?? '';
    const plugin = typed.slice(0, typed.indexOf(':'));
    const { service: s } = await ctx.api().get<ServiceResponse>(
      `/api/v1/services/${encodeURIComponent(plugin)}/${encodeURIComponent(ctx.arg('name'))}`);
    return {
      dsn: s.url, 'exposed-ports': s.exposedPort === null ? '-' : String(s.exposedPort), id: s.container,
      'internal-ip': s.address, links: words(s.links.map((l) => l.app)) || '-', status: s.status, version: s.image,
    };
  },
};

/** The groups with each reporting verb given its properties. */
export function withReportProperties(groups: readonly VerbGroup[]): VerbGroup[] {
  return groups.map((g) => ({
    ...g,
    verbs: g.verbs.map((v): Verb => (REPORTS[v.name] && !v.properties ? { ...v, properties: REPORTS[v.name] } : v)),
  }));
}
