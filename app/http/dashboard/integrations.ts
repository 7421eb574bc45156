import type { HttpServices } from '../http-services';
import type { UserRecord } from '../../ports/store';
import { configFor } from '../secret-views';

/** `tls`: what serves it (issuer kind and expiry) or null; `https`: it could get a certificate from the ACME server (no wildcard). */
export interface DomainRow { readonly name: string; readonly isDefault: boolean; readonly tls: string | null; readonly https: boolean }
/** A linked service: `value` is the env var's value the app's containers get now (`[hidden]` for those who may not see secrets; null: none, e.g. plugin gone). */
export interface ServiceRow { readonly plugin: string; readonly name: string; readonly alias: string; readonly value: string | null }
/** A service the app could link: `alias` is the env var it would get by default (the plugin's). */
export interface LinkableService { readonly plugin: string; readonly name: string; readonly alias: string }

/** The app page's parts from the router, certificates and service kit, read through their services. */
export function integrations(berth: HttpServices) {
  return {
    hasRuntimeLogs: true,
    hasDomainControl: true,
    async domains(app: string): Promise<DomainRow[]> {
      const report = berth.domains.report(app);
      const cert = berth.certs.report(app);
      const tlsFor = (d: string): string | null => {
        if (!cert || !cert.domains.some((c) => c === d || (c.startsWith('*.') && d.endsWith(c.slice(1))))) return null;
        const until = cert.notAfter.slice(0, 10);
        return `${cert.source === 'acme' ? "Let's Encrypt" : 'certificate'}, ${cert.expiresInDays < 0 ? `expired ${until}` : `expires ${until} (in ${cert.expiresInDays} d)`}`;
      };
      return report.all.map((name) => ({ name, isDefault: name === report.defaultDomain, tls: tlsFor(name), https: !name.startsWith('*.') }));
    },
    /** Linked services, and the existing ones not linked yet (the link form's picker; linking is an admin's). */
    async services(app: string, user: UserRecord): Promise<{ linked: ServiceRow[]; plugins: string[]; linkable: LinkableService[] }> {
      // The URLs are computed as a container start computes them (they follow the service), then cut for viewers.
      const env = configFor(berth, user, app, berth.services.links.envFor(app));
      const linked = berth.services.links.ofApp(app).map((l) => ({ plugin: l.plugin, name: l.service, alias: l.alias, value: env[l.alias] ?? null }));
      const plugins = berth.services.plugins.catalog.list();
      const linkable = plugins.flatMap((p) => berth.services.kit.list(p.id)
        .filter((s) => !linked.some((l) => l.plugin === p.id && l.name === s.name))
        .map((s) => ({ plugin: p.id, name: s.name, alias: p.descriptor.envAlias })));
      return { linked, plugins: plugins.map((p) => p.id), linkable };
    },
    /** The last lines of the app's output, as the page shows them before the live stream takes over. */
    async recentLogs(app: string): Promise<string[]> {
      return (await berth.logs.recent(app, { tail: 50 })).map((e) => `${e.tag}: ${e.text}`);
    },
  };
}
