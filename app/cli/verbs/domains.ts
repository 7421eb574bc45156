import { appPath } from '../api-client';
import { keyValues } from '../output';
import type { ArgSpec, VerbContext, VerbGroup } from '../types';
import type { AppDomainsChange, AppDomainsResponse, GlobalDomainsChange, GlobalDomainsResponse } from '../api-types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };
const DOMAINS: ArgSpec = { name: 'domain', variadic: true, summary: 'Hostnames, e.g. www.example.com or *.example.com.' };

function print(ctx: VerbContext, res: AppDomainsResponse): void {
  if (ctx.json) return ctx.out.json(res);
  const d = res.domains;
  ctx.out.heading(`${d.app} domains`);
  ctx.out.write(keyValues([
    ['Default vhost', d.defaultDomain],
    ['Global', d.globalDomains.join(' ') || '-'],
    ['Custom', d.customDomains.join(' ') || '-'],
  ]));
}

const change = async (ctx: VerbContext, body: AppDomainsChange) =>
  print(ctx, await ctx.api().json<AppDomainsResponse>('PATCH', appPath(ctx.arg('app'), '/domains'), body));

/** GET/PATCH /api/v1/domains: the global domains, and berth's own address (null: none). */
export type GlobalDomains = GlobalDomainsResponse;

/**
 * The global domains, then berth's own address: dokku users reach for domains:set-global to name
 * the server, but global domains only name apps (`<app>.<global>`); berth's own address (HTTPS for
 * the API, dashboard and git) is set by the install, so the answer says so, with the command.
 */
export function printGlobal(ctx: VerbContext, res: GlobalDomains): void {
  if (ctx.json) return ctx.out.json(res);
  ctx.out.heading('Global domains');
  ctx.out.write(res.globalDomains.map((d) => `${d}\n`).join('') || '-\n');
  if (res.ownAddress === undefined) return; // an older berth
  const example = `berth.${res.globalDomains[0] ?? '<domain>'}`;
  ctx.out.line(res.ownAddress
    ? `berth's own address: ${res.ownAddress}/ (set on the server by deploy/install.sh --hostname, not by global domains)`
    : `berth's own address: none (global domains name apps only); give berth one on the server: sudo bash deploy/install.sh --hostname ${example}`);
}

async function changeGlobal(ctx: VerbContext, body: GlobalDomainsChange): Promise<void> {
  printGlobal(ctx, await ctx.api().json<GlobalDomains>('PATCH', '/api/v1/domains', body));
}

export const domainsVerbs: VerbGroup = {
  name: 'domains',
  summary: 'Hostnames an app answers on (default vhost, global and custom domains)',
  verbs: [
    {
      name: 'domains:report', aliases: ['domains'], usage: 'berth domains:report <app>',
      summary: 'Show the app\'s default vhost, global-domain names and custom domains.', args: [APP], options: [],
      async run(ctx) { print(ctx, await ctx.api().get<AppDomainsResponse>(appPath(ctx.arg('app'), '/domains'))); },
    },
    {
      name: 'domains:add', usage: 'berth domains:add <app> <domain>...',
      summary: 'Add custom domains (a domain belongs to one app) and re-route the app.', args: [APP, DOMAINS], options: [],
      async run(ctx) { await change(ctx, { add: [...ctx.args.rest] }); },
    },
    {
      name: 'domains:remove', usage: 'berth domains:remove <app> <domain>...',
      summary: 'Remove custom domains and re-route the app.', args: [APP, DOMAINS], options: [],
      async run(ctx) { await change(ctx, { remove: [...ctx.args.rest] }); },
    },
    {
      name: 'domains:set', usage: 'berth domains:set <app> <domain>...',
      summary: 'Replace the app\'s custom domains.', args: [APP, DOMAINS], options: [],
      async run(ctx) { await change(ctx, { set: [...ctx.args.rest] }); },
    },
    {
      name: 'domains:clear', usage: 'berth domains:clear <app>',
      summary: 'Remove every custom domain (the default vhost stays).', args: [APP], options: [],
      async run(ctx) { await change(ctx, { clear: true }); },
    },
    {
      name: 'domains:report-global', usage: 'berth domains:report-global',
      summary: 'List global domains (every app answers on <app>.<global>).', args: [], options: [],
      async run(ctx) { printGlobal(ctx, await ctx.api().get<GlobalDomains>('/api/v1/domains')); },
    },
    {
      name: 'domains:add-global', usage: 'berth domains:add-global <domain>...',
      summary: 'Add global domains and re-route every app.', args: [DOMAINS], options: [],
      async run(ctx) { await changeGlobal(ctx, { add: [...ctx.args.rest] }); },
    },
    {
      name: 'domains:remove-global', usage: 'berth domains:remove-global <domain>...',
      summary: 'Remove global domains and re-route every app.', args: [DOMAINS], options: [],
      async run(ctx) { await changeGlobal(ctx, { remove: [...ctx.args.rest] }); },
    },
  ],
};
