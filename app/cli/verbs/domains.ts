import { appPath } from '../api-client';
import { keyValues } from '../output';
import type { ArgSpec, VerbContext, VerbGroup } from '../types';

const APP: ArgSpec = { name: 'app', summary: 'The app\'s name.' };
const DOMAINS: ArgSpec = { name: 'domain', variadic: true, summary: 'Hostnames, e.g. www.example.com or *.example.com.' };

interface DomainsReport { app: string; defaultDomain: string; globalDomains: string[]; customDomains: string[]; all: string[] }

function print(ctx: VerbContext, res: { domains: DomainsReport }): void {
  if (ctx.json) return ctx.out.json(res);
  const d = res.domains;
  ctx.out.heading(`${d.app} domains`);
  ctx.out.write(keyValues([
    ['Default vhost', d.defaultDomain],
    ['Global', d.globalDomains.join(' ') || '-'],
    ['Custom', d.customDomains.join(' ') || '-'],
  ]));
}

const change = async (ctx: VerbContext, body: Record<string, unknown>) =>
  print(ctx, await ctx.api().json<{ domains: DomainsReport }>('PATCH', appPath(ctx.arg('app'), '/domains'), body));

async function changeGlobal(ctx: VerbContext, body: Record<string, unknown>): Promise<void> {
  const res = await ctx.api().json<{ globalDomains: string[] }>('PATCH', '/api/v1/domains', body);
  if (ctx.json) return ctx.out.json(res);
  ctx.out.heading('Global domains');
  ctx.out.write(res.globalDomains.map((d) => `${d}\n`).join('') || '-\n');
}

export const domainsVerbs: VerbGroup = {
  name: 'domains',
  summary: 'Hostnames an app answers on (default vhost, global and custom domains)',
  verbs: [
    {
      name: 'domains:report', aliases: ['domains'], usage: 'berth domains:report <app>',
      summary: 'Show the app\'s default vhost, global-domain names and custom domains.', args: [APP], options: [],
      async run(ctx) { print(ctx, await ctx.api().get(appPath(ctx.arg('app'), '/domains'))); },
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
      async run(ctx) {
        const res = await ctx.api().get<{ globalDomains: string[] }>('/api/v1/domains');
        if (ctx.json) return ctx.out.json(res);
        ctx.out.heading('Global domains');
        ctx.out.write(res.globalDomains.map((d) => `${d}\n`).join('') || '-\n');
      },
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
