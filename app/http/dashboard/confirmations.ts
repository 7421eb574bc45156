import type { Request } from 'express';
import { BerthError } from '../../errors';
import type { HttpServices } from '../http-services';
import { queryText as text } from './form';

/** A destructive action's confirmation page: what it will do, then one POST with the same fields. */
export interface Confirmation {
  readonly title: string;
  readonly effects: readonly string[];
  readonly action: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly button: string;
  /** Where Cancel (and the back link) go: the app's page unless said (the tab the action belongs to). */
  readonly back?: { readonly href: string; readonly label: string };
}

/**
 * What stop, removing a config var or a domain, and unlinking a service will do to this app, in
 * words, read from the same services the action uses (nothing changes until the form is posted).
 */
export async function confirmationFor(berth: HttpServices, req: Request, app: string, what: string): Promise<Confirmation> {
  const base = `/apps/${app}`;
  if (what === 'stop') {
    const scale = berth.processes.formation(app);
    const procs = Object.entries(scale).filter(([, n]) => n > 0).map(([t, n]) => `${t} ×${n}`).join(', ') || 'none running';
    return {
      title: `Stop ${app}?`, action: `${base}/stop`, fields: {}, button: `Stop ${app}`,
      effects: [`Every container of ${app} stops (${procs}).`, `Its domains answer 502 until you start it again; the release and config stay.`],
    };
  }
  if (what === 'unset') {
    const key = text(req, 'key');
    if (!(key in berth.configVars.get(app))) throw new BerthError('NOT_FOUND', `${app} has no config var ${key || '(none given)'}.`);
    const deployed = berth.releases.current(app) !== null;
    return {
      title: `Remove ${key}?`, back: { href: `${base}/config`, label: app }, action: `${base}/config/unset`, fields: { key }, button: `Remove ${key}`,
      effects: [`${key} is removed from ${app}'s config vars.`, deployed ? `A new release restarts ${app} without it.` : `${app} is not deployed yet: its first release will not have it.`],
    };
  }
  if (what === 'domain') {
    const domain = text(req, 'domain');
    if (!berth.domains.report(app).all.includes(domain)) throw new BerthError('NOT_FOUND', `${domain || '(no domain given)'} is not a domain of ${app}.`);
    return {
      title: `Remove ${domain}?`, back: { href: `${base}/domains`, label: app }, action: `${base}/domains/remove`, fields: { domain }, button: `Remove ${domain}`,
      effects: [`${domain} stops routing to ${app}: requests for it get berth's 404 page.`],
    };
  }
  if (what === 'unlink') {
    const plugin = text(req, 'plugin');
    const service = text(req, 'service');
    const link = berth.services.links.ofApp(app).find((l) => l.plugin === plugin && l.service === service);
    if (!link) throw new BerthError('NOT_FOUND', `${plugin} service ${service} is not linked to ${app}.`);
    return {
      title: `Unlink ${plugin} ${service}?`, back: { href: `${base}/services`, label: app }, action: `${base}/services/unlink`, fields: { plugin, service }, button: `Unlink ${service}`,
      effects: [`${app} re-releases without ${link.alias}.`, `The ${plugin} service ${service} and its data stay.`],
    };
  }
  throw new BerthError('NOT_FOUND', `There is no page at ${req.path}.`);
}
